// The console's protection views in real headless Chromium against one real server: the
// rules editor (create, refuse a pathological pattern, dry-run report, switch on, the
// recommended set), the Held review live (release to the inbox, discard) and the one-click
// reversal of an automatic block. Visitors are socket.io clients. Screenshots go to
// test-artifacts/protection/.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../server/core/agents.js';
import { http } from '../support/api.js';
import { axe, haveChromium, launchChromium } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';

const root = join(import.meta.dirname, '../..');
const artifacts = join(root, 'test-artifacts/protection');

describe.skipIf(!haveChromium('the protection console test'))('protection in the console', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const visitors: Visitor[] = [];
  const problems: string[] = [];
  let step = 0;
  const shoot = (name: string) => page.screenshot({ path: join(artifacts, `${String(++step).padStart(2, '0')}-${name}.png`), animations: 'disabled' });
  const visitor = async () => {
    const v = await connectVisitor(server.url);
    visitors.push(v);
    return v;
  };
  const nav = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: new RegExp(`^${name}`) }).click();
  const row = (name: string) => page.locator('table.rules tr', { hasText: name });

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/public/console/index.html')), 'run `node build.mjs` first (npm test does)').toBe(true);
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    const admin = await ensureFirstAdmin(server.parley.core.agents, server.parley.store, { password: 'protection admin password' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', colorScheme: 'light' })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (/status of 4\d\d/.test(m.text()) && m.location().url.includes('/console/api/')) return; // refused saves and "am I signed in?"
      if (m.type() === 'error' || /Content Security Policy|Refused/.test(m.text())) problems.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${server.url}/console`);
    await page.getByLabel('Email').fill(admin!.email);
    await page.getByLabel('Password').fill(admin!.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.dot.on').waitFor();
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
    await server?.close();
  });

  it('creates a rule with the editor, refuses a pathological pattern, reports a dry run, then switches the rule on', async () => {
    await nav('Protection');
    await page.getByRole('heading', { name: 'Protection', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();
    let dialog = page.getByRole('dialog', { name: 'New protection rule' });
    await dialog.getByLabel('Name').fill('Backtracking');
    await dialog.getByRole('group', { name: 'Condition 1' }).getByLabel('Kind').selectOption('pattern');
    await dialog.getByLabel('Pattern (RE2 syntax)').fill('(\\w+)\\1');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.getByRole('alert').filter({ hasText: /backreferences/ }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'New rule' }).click();
    dialog = page.getByRole('dialog', { name: 'New protection rule' });
    await dialog.getByLabel('Name').fill('Casino spam');
    await dialog.getByLabel('Words (comma-separated)').fill('casino, jackpot');
    await dialog.getByRole('button', { name: 'Add condition' }).click();
    await expect.poll(() => dialog.getByRole('group', { name: 'Condition 2' }).getByLabel('Kind').inputValue()).toBe('contactType');
    await dialog.getByLabel('Then').selectOption('hold');
    await dialog.getByLabel('Mode').selectOption('dry_run');
    await axe(page, 'rule editor (1440)');
    await shoot('rule-editor');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row('Casino spam').getByText('Contains one of casino, jackpot').waitFor();
    expect(await page.getByLabel('Mode of Casino spam').inputValue()).toBe('dry_run');

    // In dry run the message goes through; the report shows what the rule would have done.
    const early = await visitor();
    expect(await early.send('casino tonight?')).toMatchObject({ ok: true });
    await expect.poll(async () => (await http(server, 'GET', '/v2/protection/events?mode=dry_run')).json.data.length).toBe(1);
    await page.getByRole('button', { name: 'Report of Casino spam' }).click();
    const report = page.getByRole('dialog', { name: /Casino spam.*last 7 days/ });
    await report.getByText('casino tonight?').waitFor();
    expect(await report.locator('dd').first().textContent()).toBe('1 time, 1 contact');
    await axe(page, 'dry-run report (1440)');
    await shoot('dry-run-report');
    await report.getByRole('button', { name: 'Close' }).click();

    await page.getByLabel('Mode of Casino spam').selectOption('enforce');
    await page.locator('.toast', { hasText: '“Casino spam” is on.' }).waitFor();
    const rules = (await http(server, 'GET', '/v2/protection/rules')).json.data;
    expect(rules).toMatchObject([{ name: 'Casino spam', mode: 'enforce', conditions: [{ type: 'words', words: ['casino', 'jackpot'] }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } }]);

    // The recommended set: one switch creates the three rules in that mode, and sets them back.
    await page.getByRole('group', { name: 'Recommended set' }).getByLabel('Dry run').check();
    await expect.poll(() => page.locator('table.rules .badge', { hasText: 'Recommended' }).count()).toBe(3);
    await expect.poll(() => page.getByLabel('Mode of 3 rate-limit hits in 10 minutes').inputValue()).toBe('dry_run');
    await page.getByRole('group', { name: 'Recommended set' }).getByLabel('Off').check();
    await expect.poll(() => page.getByLabel('Mode of 3 rate-limit hits in 10 minutes').inputValue()).toBe('off');
    await axe(page, 'protection page (1440)');
    await shoot('protection-page');
  });

  it('shows held messages live; release delivers to the inbox, discard removes', async () => {
    await nav('Held');
    await page.getByText('Nothing is held.').waitFor();
    const spammer = await visitor();
    expect(await spammer.send('casino bonus for you')).toMatchObject({ ok: true });
    expect(await spammer.send('jackpot!!!')).toMatchObject({ ok: true });
    const items = page.locator('.held-item');
    await items.filter({ hasText: 'jackpot!!!' }).waitFor();
    await items.filter({ hasText: 'casino bonus for you' }).waitFor();
    expect(await items.first().textContent()).toContain('Held by rule Casino spam');
    await axe(page, 'held view (1440)');
    await shoot('held-live');
    // Nothing held reached the inbox.
    expect((await http(server, 'GET', `/v2/conversations?contactId=${spammer.session.contact.id}`)).json.data ?? []).toEqual([]);

    await items.filter({ hasText: 'casino bonus for you' }).getByRole('button', { name: /^Release/ }).click();
    await items.filter({ hasText: 'casino bonus for you' }).waitFor({ state: 'detached' });
    await items.filter({ hasText: 'jackpot!!!' }).getByRole('button', { name: /^Discard/ }).click();
    await page.getByText('Nothing is held.').waitFor();
    expect((await http(server, 'GET', '/v2/protection/held')).json.data).toEqual([]);
    await nav('Inbox');
    await page.locator('a.conv', { hasText: 'casino bonus for you' }).waitFor();
    expect(await page.locator('a.conv', { hasText: 'jackpot' }).count()).toBe(0);
    await shoot('released-in-inbox');
  });

  it('reverses an automatic block in one click from the block history', async () => {
    await http(server, 'POST', '/v2/protection/rules', { body: { name: 'Threats', mode: 'enforce', conditions: [{ type: 'words', words: ['bomb'] }], action: { type: 'block' } } });
    const angry = await visitor();
    expect(await angry.send('hello, about my order')).toMatchObject({ ok: true });
    expect(await angry.send('bomb')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    await page.locator('a.conv', { hasText: 'hello, about my order' }).click();
    const history = page.getByRole('list', { name: 'Block history' });
    await history.getByText('by a protection rule').waitFor();
    await shoot('automatic-block');
    await history.getByRole('button', { name: 'Reverse automatic block' }).click();
    await page.getByRole('button', { name: 'Block contact' }).waitFor();
    await history.locator('li.unblock').waitFor();
    expect(await history.getByRole('button', { name: 'Reverse automatic block' }).count()).toBe(0);
    expect((await http(server, 'GET', `/v2/contacts/${angry.session.contact.id}`)).json).toMatchObject({ blocked: false });
    expect(await angry.send('sorry, I meant my order is late')).toMatchObject({ ok: true });
  });

  it('is axe clean on a phone (390 px)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Protection');
    await row('Casino spam').waitFor();
    await axe(page, 'protection page (390)');
    await shoot('protection-phone');
    await page.getByRole('button', { name: 'Edit Casino spam' }).click();
    await page.getByRole('dialog', { name: /Edit rule/ }).waitFor();
    await axe(page, 'rule editor (390)');
    await shoot('rule-editor-phone');
    await page.getByRole('dialog', { name: /Edit rule/ }).getByRole('button', { name: 'Cancel' }).click();
    await nav('Held');
    await page.getByText('Nothing is held.').waitFor();
    await axe(page, 'held view (390)');
    expect(problems).toEqual([]);
  });
});
