// End to end in real headless Chromium: the demo page with the widget (visitor) and the
// console (agent), side by side, against one real server. Screenshots of both pages at each
// step go to test-artifacts/console/.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../server/core/agents.js';
import { sdk } from '../support/api.js';
import { axe, haveChromium, launchChromium } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';

const root = join(import.meta.dirname, '../..');
const artifacts = join(root, 'test-artifacts/console/flow');
const ADMIN = { email: 'admin@parley.local', password: 'e2e admin password' };

describe.skipIf(!haveChromium('the console end-to-end test'))('agents console, end to end with the widget', () => {
  let server: TestServer;
  let browser: Browser;
  let visitor: Page;
  let agent: Page;
  const problems: string[] = [];
  let step = 0;

  /** Both pages, numbered, for the artifacts. */
  async function shoot(name: string) {
    step++;
    const n = String(step).padStart(2, '0');
    await Promise.all([
      agent.screenshot({ path: join(artifacts, `${n}-${name}-console.png`), animations: 'disabled' }),
      visitor.screenshot({ path: join(artifacts, `${n}-${name}-widget.png`), animations: 'disabled' }),
    ]);
  }

  const watch = (p: Page, who: string) => {
    p.on('console', (m) => {
      // 401s from /console/api are expected: "am I signed in?" before sign-in, and the wrong password.
      if (/status of 401/.test(m.text()) && m.location().url.includes('/console/api/')) return;
      if (m.type() === 'error' || /Content Security Policy|Refused/.test(m.text())) problems.push(`${who}: ${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => problems.push(`${who}: ${String(e)}`));
  };

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/public/console/index.html')), 'run `node build.mjs` first (npm test does)').toBe(true);
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    expect(await ensureFirstAdmin(server.parley.core.agents, server.parley.store, { password: ADMIN.password })).toEqual(ADMIN);
    browser = await launchChromium();
    visitor = await (await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US', colorScheme: 'light' })).newPage();
    agent = await (await browser.newContext({ viewport: { width: 1440, height: 860 }, locale: 'en-GB', colorScheme: 'light' })).newPage();
    watch(visitor, 'widget page');
    watch(agent, 'console');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the console under the strict CSP and signs in (wrong password first)', async () => {
    const res = await fetch(`${server.url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    await agent.goto(`${server.url}/console`);
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill('not the password');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    await axe(agent, 'sign-in page');
    await shoot('sign-in-error');
    await agent.getByLabel('Password').fill(ADMIN.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
    await agent.locator('.dot.on').waitFor();
    await visitor.goto(`${server.url}/`);
    await visitor.locator('parley-messenger button.l').waitFor();
    await shoot('signed-in');
  });

  it('the visitor writes and the agent sees it live, unread, then replies; typing shows both ways', async () => {
    await visitor.locator('parley-messenger button.l').click();
    const input = visitor.locator('parley-messenger textarea');
    await input.fill("Hi! My order #1042 hasn't arrived yet. Can you check?");
    await input.press('Enter');
    await visitor.locator('parley-messenger .m.me[data-status="sent"]').waitFor();

    const row = agent.locator('a.conv', { hasText: 'order #1042' });
    await row.waitFor({ timeout: 5000 });
    await row.locator('.badge.unread').waitFor();
    await shoot('visitor-wrote');
    await row.click();
    await agent.locator('.msg.visitor', { hasText: 'order #1042' }).waitFor();
    await expect.poll(() => row.locator('.badge.unread').count()).toBe(0);
    // The widget reported its page: the panel shows where the visitor is, browser and local time.
    const now = agent.locator('.visitor-facts');
    await now.getByRole('link', { name: 'Northwind Roasters: small-batch coffee, delivered' }).waitFor();
    expect(await now.textContent()).toMatch(/Chrome \d+ on Linux.*en-US/);

    // Visitor typing → console; agent typing → widget.
    await input.pressSequentially('One more thing', { delay: 10 });
    await agent.locator('.typing', { hasText: 'is typing' }).waitFor({ timeout: 5000 });
    const composer = agent.getByPlaceholder(/Write a reply/);
    await composer.pressSequentially('Let me check', { delay: 10 });
    await visitor.locator('parley-messenger .ty').waitFor({ timeout: 5000 });
    await shoot('typing-both-ways');

    await composer.fill('Thanks for waiting! It left our roastery on **Monday**, tracking: https://track.example/1042');
    await composer.press('Enter');
    await agent.locator('.msg.agent', { hasText: 'It left our roastery' }).waitFor();
    const reply = visitor.locator('parley-messenger .m', { hasText: 'It left our roastery' });
    await reply.waitFor({ timeout: 5000 });
    // Markdown rendered by the widget's safe renderer on both sides.
    expect(await agent.locator('.msg.agent strong', { hasText: 'Monday' }).count()).toBe(1);
    expect(await agent.locator('.msg.agent a[href="https://track.example/1042"]').count()).toBe(1);
    await shoot('agent-replied');
  });

  it('an internal note shows in the console, visibly distinct, and never reaches the widget', async () => {
    await agent.getByRole('button', { name: 'Internal note' }).click();
    const note = agent.getByPlaceholder(/note for your team/);
    await note.fill('Customer is a subscriber since 2023; offer a refund if it is lost.');
    await note.press('Enter');
    const shown = agent.locator('.msg.note', { hasText: 'offer a refund' });
    await shown.waitFor();
    expect(await shown.locator('.note-badge').textContent()).toContain('not visible to the visitor');
    await agent.getByRole('button', { name: 'Reply', exact: true }).click();
    // A reply after the note: once it arrives, the note would have too.
    const composer = agent.getByPlaceholder(/Write a reply/);
    await composer.fill('I will keep an eye on it.');
    await composer.press('Enter');
    await visitor.locator('parley-messenger .m', { hasText: 'keep an eye on it' }).waitFor({ timeout: 5000 });
    expect(await visitor.locator('parley-messenger .m', { hasText: 'offer a refund' }).count()).toBe(0);
    await shoot('internal-note');
  });

  it('the agent blocks with a reason; within 1 s the widget shows the notice and no composer; a forced send is refused', async () => {
    await agent.locator('.conv-actions').getByRole('button', { name: 'Block' }).click();
    const dialog = agent.getByRole('dialog', { name: /Block/ });
    await dialog.waitFor();
    // Focus starts in the reason field; the rest of the page is inert behind the modal.
    expect(await agent.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await axe(agent, 'console with the block dialog');
    await dialog.getByLabel(/Reason/).fill('Abusive messages to staff');
    await shoot('block-dialog');
    const clicked = Date.now();
    await dialog.getByRole('button', { name: 'Block', exact: true }).click();
    await visitor.locator('parley-messenger .bn').waitFor({ timeout: 1000 });
    await expect.poll(() => visitor.locator('parley-messenger textarea').count(), { timeout: 1000 - (Date.now() - clicked) }).toBe(0);
    const elapsed = Date.now() - clicked;
    expect(elapsed).toBeLessThan(1000);
    expect(await visitor.locator('parley-messenger .bn').textContent()).toContain('Messaging is turned off');

    // Focus returns to the opener once the dialog is gone.
    await dialog.waitFor({ state: 'detached' });
    expect(await agent.evaluate(() => document.activeElement?.textContent)).toMatch(/Unblock/);

    // A send forced over a raw socket with the visitor's own token is refused.
    const token = await visitor.evaluate((url) => localStorage.getItem(`parley:${url}:token`), server.url);
    expect(token).toMatch(/^v2\./);
    const raw = io(`${server.url}/messenger`, { auth: { visitorToken: token }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      const session = await new Promise<{ contact: { blocked: boolean } }>((resolve, reject) => {
        raw.once('session', resolve);
        raw.once('connect_error', reject);
      });
      expect(session.contact.blocked).toBe(true);
      const ack = await raw.timeout(5000).emitWithAck('message:send', { clientId: 'forced-1', body: 'Forced past the widget' });
      expect(ack).toEqual({ ok: false, error: { code: 'contact_blocked', message: expect.any(String) } });
    } finally {
      raw.close();
    }

    // The console keeps the whole history, notes included, and the block record.
    const history = agent.locator('.thread .msg');
    expect(await history.count()).toBe(4);
    expect(await agent.locator('.thread', { hasText: 'Forced past the widget' }).count()).toBe(0);
    const record = agent.locator('.history li.block');
    await record.waitFor();
    expect(await record.textContent()).toMatch(/Blocked by Admin.*Abusive messages to staff/);
    expect(await agent.locator('.panel .badge.blocked').count()).toBe(1);
    expect(await agent.locator('a.conv .badge.blocked').count()).toBe(1);
    await axe(agent, 'console, contact blocked');
    await axe(visitor, 'widget page, contact blocked');
    await shoot('blocked');
  });

  it('shows a blocked contact under the Blocked filter and finds it by search', async () => {
    await agent.getByRole('button', { name: 'Blocked', exact: true }).click();
    await agent.locator('a.conv', { hasText: 'Forced' }).waitFor({ state: 'detached' });
    await agent.locator('a.conv .badge.blocked').waitFor();
    await agent.getByRole('button', { name: 'Closed', exact: true }).click();
    await agent.getByText('No conversations here.').waitFor();
    await agent.getByRole('button', { name: 'Any state', exact: true }).click();
    await agent.getByLabel('Search by name or email').fill('nobody-matches-this');
    await agent.getByText('No conversations here.').waitFor();
    await agent.getByLabel('Search by name or email').fill('');
    await agent.locator('a.conv').first().waitFor();
    await agent.getByRole('button', { name: 'Open', exact: true }).click();
    await agent.locator('a.conv').first().waitFor();
  });

  it('the agent unblocks from the contact panel; the visitor writes again and it arrives live', async () => {
    await agent.locator('.panel').getByRole('button', { name: 'Unblock contact' }).click();
    const dialog = agent.getByRole('dialog', { name: /Unblock/ });
    await dialog.getByLabel(/Reason/).fill('Apologised by email');
    await dialog.getByRole('button', { name: 'Unblock', exact: true }).click();
    const input = visitor.locator('parley-messenger textarea');
    await input.waitFor({ timeout: 2000 });
    expect(await visitor.locator('parley-messenger .bn').count()).toBe(0);
    await input.fill('Sorry about earlier. Any news on the parcel?');
    await input.press('Enter');
    await visitor.locator('parley-messenger .m.me[data-status="sent"]', { hasText: 'Any news' }).waitFor();
    await agent.locator('.msg.visitor', { hasText: 'Any news on the parcel' }).waitFor({ timeout: 5000 });
    expect(await agent.locator('.history li').count()).toBe(2);
    expect(await agent.locator('.history li.unblock').textContent()).toMatch(/Unblocked by Admin.*Apologised by email/);
    expect(await agent.locator('.panel .badge.blocked').count()).toBe(0);
    await shoot('unblocked');
  });

  it('a part redacted through the SDK leaves the widget and shows as redacted in the open console, live', async () => {
    const fb = sdk(server);
    const [latest] = (await fb.support.conversations.list({ limit: 1 })).data;
    const part = (await fb.support.conversations.retrieve(latest.id)).conversationParts!
      .find((p) => 'bodyMarkdown' in p && p.bodyMarkdown?.includes('Any news on the parcel'))!;
    await fb.support.conversations.redact({ type: 'conversation_part', conversationId: latest.id, conversationPartId: part.id });
    await agent.locator('.msg.visitor .msg-body.redacted', { hasText: 'Message redacted' }).waitFor({ timeout: 5000 });
    await visitor.locator('parley-messenger .m.me', { hasText: 'Any news' }).waitFor({ state: 'detached', timeout: 5000 });
    expect(await agent.locator('.thread', { hasText: 'Any news on the parcel' }).count()).toBe(0);
    await shoot('redacted');
  });

  it('bulk blocks from the contacts list, and the open console reflects a REST block live', async () => {
    await agent.getByRole('link', { name: 'Contacts' }).click();
    const row = agent.locator('tbody tr').first();
    await row.waitFor();
    await agent.getByLabel('Select all contacts').check();
    await agent.getByRole('button', { name: 'Block selected', exact: true }).click();
    const dialog = agent.getByRole('dialog', { name: /Block/ });
    await dialog.getByRole('button', { name: 'Block', exact: true }).click();
    await visitor.locator('parley-messenger .bn').waitFor({ timeout: 2000 });
    await row.locator('.badge.blocked').waitFor();
    await shoot('bulk-blocked');
    await agent.getByLabel('Select all contacts').check();
    await agent.getByRole('button', { name: 'Unblock selected' }).click();
    await agent.getByRole('dialog', { name: /Unblock/ }).getByRole('button', { name: 'Unblock', exact: true }).click();
    await row.locator('.badge.ok').waitFor();
    await visitor.locator('parley-messenger textarea').waitFor({ timeout: 2000 });

    // A block through the REST API (the business's backend) shows up in the console live.
    await agent.getByRole('link', { name: /Inbox/ }).click();
    await agent.locator('a.conv').first().click();
    const contactId = (await server.parley.store.contacts.list({ type: 'all', limit: 1 })).items[0].id;
    const res = await fetch(`${server.url}/v2/contacts/${contactId}/block`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Chargeback filed' }),
    });
    expect(res.status).toBe(200);
    await agent.locator('.history li.block', { hasText: 'Chargeback filed' }).waitFor({ timeout: 2000 });
    await agent.locator('.panel .badge.blocked').waitFor();
    await visitor.locator('parley-messenger .bn').waitFor({ timeout: 2000 });
    await axe(agent, 'console after REST block');
    await shoot('rest-block-live');
    expect(problems).toEqual([]);
  });
});
