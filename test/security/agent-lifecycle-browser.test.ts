// Issue 10, item 8 in real headless Chromium: an admin's Team panel (add, deactivate,
// reactivate, reset password shown once) and an agent's own password change, with the
// agent's console open in a second browser. Screenshots go to test-artifacts/team/.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../server/core/agents.js';
import { createAgent, PASSWORD } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const root = join(import.meta.dirname, '../..');
const artifacts = join(root, 'test-artifacts/team');
const ADMIN = { email: 'admin@parley.local', password: 'team admin password' };

function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `\n!!! ${CHROMIUM} not found: the Team panel browser test is SKIPPED. Install Debian's chromium (never download a browser).\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  console.warn(msg);
  return false;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious or critical axe-core violations on the page (injected over DevTools, so the CSP stays). */
async function axe(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id}: ${v.help}`);
  });
}

describe.skipIf(!haveChromium())('Team panel and password change in the console', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let zoe: Page;
  const errors: string[] = [];
  let zoePassword = '';

  async function signInOn(page: Page, email: string, password: string) {
    await page.goto(`${server.url}/console`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.dot.on').waitFor();
  }

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/public/console/index.html')), 'run `node build.mjs` first (npm test does)').toBe(true);
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    await ensureFirstAdmin(server.parley.core.agents, server.parley.store, ADMIN);
    await createAgent(server, 'zoe@example.com', 'agent', 'Zoe');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'] });
    admin = await (await browser.newContext({ viewport: { width: 1300, height: 800 }, locale: 'en-GB' })).newPage();
    zoe = await (await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB' })).newPage();
    for (const p of [admin, zoe]) {
      p.setDefaultTimeout(5000);
      p.on('pageerror', (e) => errors.push(String(e)));
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the team and adds an agent', async () => {
    await signInOn(zoe, 'zoe@example.com', PASSWORD);
    // Agents have no Team tab.
    expect(await zoe.getByRole('link', { name: 'Team' }).count()).toBe(0);
    await signInOn(admin, ADMIN.email, ADMIN.password);
    await admin.getByRole('link', { name: 'Team' }).click();
    await admin.getByRole('heading', { name: 'Team', exact: true }).waitFor();
    await admin.getByRole('row', { name: /Zoe.*zoe@example\.com.*Agent.*Active/ }).waitFor();
    await admin.getByRole('row', { name: /Admin.*admin@parley\.local.*You/ }).waitFor();

    const form = admin.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Email').fill('yan@example.com');
    await form.getByLabel('Name').fill('Yan');
    await form.getByLabel('Role').selectOption('admin');
    await form.getByLabel('First password').fill('yan first password');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await admin.getByRole('row', { name: /Yan.*yan@example\.com.*Admin.*Active/ }).waitFor();
    expect(await axe(admin)).toEqual([]);
    await admin.screenshot({ path: join(artifacts, '01-team.png') });
  });

  it("deactivating Zoe sends her open console back to sign-in at once; reactivating lets her in again", async () => {
    await admin.getByRole('button', { name: 'Deactivate Zoe' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Deactivate Zoe?' });
    await dialog.waitFor();
    expect(await axe(admin)).toEqual([]);
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await admin.getByRole('row', { name: /Zoe.*Deactivated/ }).waitFor();
    await zoe.getByRole('heading', { name: 'Sign in to Parley' }).waitFor({ timeout: 5000 });
    await admin.screenshot({ path: join(artifacts, '02-deactivated.png') });
    await zoe.getByLabel('Email').fill('zoe@example.com');
    await zoe.getByLabel('Password').fill(PASSWORD);
    await zoe.getByRole('button', { name: 'Sign in' }).click();
    await zoe.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();

    await admin.getByRole('button', { name: 'Reactivate Zoe' }).click();
    await admin.getByRole('row', { name: /Zoe.*Active/ }).waitFor();
    await signInOn(zoe, 'zoe@example.com', PASSWORD);
  });

  it('resets her password: the generated one is shown once, her console goes back to sign-in, and it signs in', async () => {
    await admin.getByRole('button', { name: 'Reset password of Zoe' }).click();
    const dialog = admin.getByRole('dialog', { name: /Reset the password of Zoe/ });
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    const shown = admin.getByRole('dialog', { name: 'New password for Zoe' }).getByLabel('Generated password');
    await shown.waitFor();
    const generated = await shown.inputValue();
    expect(generated).toMatch(/^[\w-]{20}$/);
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('readonly'))).not.toBeNull();
    await admin.screenshot({ path: join(artifacts, '03-reset-password.png') });
    await admin.getByRole('button', { name: 'Done' }).click();
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    await zoe.getByRole('heading', { name: 'Sign in to Parley' }).waitFor({ timeout: 5000 });
    await signInOn(zoe, 'zoe@example.com', generated);
    zoePassword = generated;
  });

  it('Zoe changes her own password and stays signed in (the socket reconnects with the fresh cookie)', async () => {
    // In the account menu.
    await zoe.locator('.account summary').click();
    await zoe.getByRole('button', { name: 'Change password' }).click();
    const dialog = zoe.getByRole('dialog', { name: 'Change your password' });
    await dialog.getByLabel('Current password').fill('not it at all');
    await dialog.getByLabel(/^New password \(at least/).fill('zoe chose this one');
    await dialog.getByLabel('New password again').fill('zoe chose this one');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The current password is wrong.' }).waitFor();
    expect(await axe(zoe)).toEqual([]);
    await dialog.getByLabel('Current password').fill(zoePassword);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await zoe.locator('.toast', { hasText: 'Password changed' }).waitFor();
    await zoe.locator('.dot.on').waitFor();
    await zoe.screenshot({ path: join(artifacts, '04-password-changed.png') });
    // Still signed in after a reload: the fresh cookie is good.
    await zoe.reload();
    await zoe.locator('.dot.on').waitFor();
    expect(await zoe.getByRole('heading', { name: 'Sign in to Parley' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
