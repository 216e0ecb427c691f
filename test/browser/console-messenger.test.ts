// The messenger settings screen in real Chromium (admins only): office hours per weekday, time
// zone and reply time; the server's validation errors appear next to their fields; a save
// shows a toast and reaches a visitor's session. axe at 1440 and 390 px.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, haveChromium, launchChromium } from '../support/browser.js';
import { createAgent, PASSWORD, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

const artifacts = join(import.meta.dirname, '../../test-artifacts/console/messenger');

describe.skipIf(!haveChromium('the messenger settings screen test'))('console messenger settings', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function signedIn(ctx: BrowserContext, email: string) {
    expect((await ctx.request.post(`${server.url}/console/api/session`, { data: { email, password: PASSWORD } })).status()).toBe(200);
  }

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    await createAgent(server, 'ada@example.com', 'admin', 'Ada Lovelace');
    await createAgent(server, 'bob@example.com', 'agent', 'Bob Kahn');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    await signedIn(context, 'ada@example.com');
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is in the navigation for admins only', async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await signedIn(agentContext, 'bob@example.com');
    const bob = await agentContext.newPage();
    await bob.goto(`${server.url}/console/messenger`);
    await bob.getByRole('link', { name: 'Inbox' }).waitFor();
    expect(await bob.getByRole('link', { name: 'Messenger' }).count()).toBe(0);
    expect(await bob.getByRole('heading', { name: 'Messenger' }).count()).toBe(0);
    await agentContext.close();

    await page.goto(`${server.url}/console`);
    await page.getByRole('link', { name: 'Messenger' }).click();
    await page.getByRole('heading', { name: 'Messenger', level: 2 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/messenger');
  });

  it('shows the server\'s errors next to the fields, then saves and the widget gets it', async () => {
    await page.getByRole('button', { name: 'Add hours on Monday' }).click();
    await page.getByRole('button', { name: 'Add hours on Tuesday' }).click();
    await page.getByLabel('Tuesday opens').fill('18:00');
    await page.getByLabel('Tuesday closes').fill('09:00');
    await page.getByLabel('Time zone of the hours').fill('Mars/Olympus');
    await page.getByLabel('Typically replies in').selectOption({ label: 'About an hour' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    await page.getByRole('alert').filter({ hasText: 'see the marked fields' }).waitFor();
    const tz = page.getByLabel('Time zone of the hours');
    expect(await tz.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await tz.getAttribute('aria-describedby')}`).textContent()).toMatch(/IANA time zone/);
    const close = page.getByLabel('Tuesday closes');
    expect(await close.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await close.getAttribute('aria-describedby')}`).textContent()).toBe('must be after the opening time');
    expect(await page.getByLabel('Monday closes').getAttribute('aria-invalid')).toBe('false');
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 860 });
      await axe(page, `messenger settings with errors at ${width}`);
      await page.screenshot({ path: join(artifacts, `errors-${width}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    await tz.fill('Europe/Paris');
    await close.fill('20:00');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Messenger settings saved.' }).waitFor();
    expect(await tz.getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByRole('alert').filter({ hasText: 'see the marked fields' }).count()).toBe(0);

    const admin = (await signIn(server, 'ada@example.com')).cookie;
    const stored = await (await fetch(`${server.url}/console/api/messenger-settings`, { headers: { cookie: admin } })).json();
    expect(stored).toEqual({
      replyTime: 'hour',
      timezone: 'Europe/Paris',
      hours: [{ day: 1, open: '09:00', close: '17:00' }, { day: 2, open: '18:00', close: '20:00' }],
    });
    const visitor = await connectVisitor(server.url);
    expect(visitor.session.team?.replyTime).toBe('hour');
    visitor.close();

    // A reload shows what is stored; removing Monday's hours and saving drops them.
    await page.reload();
    expect(await page.getByLabel('Tuesday closes').inputValue()).toBe('20:00');
    await page.getByRole('button', { name: 'Remove Monday 09:00–17:00' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Messenger settings saved.' }).waitFor();
    await expect.poll(async () => (await (await fetch(`${server.url}/console/api/messenger-settings`, { headers: { cookie: admin } })).json()).hours).toEqual([{ day: 2, open: '18:00', close: '20:00' }]);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 860 });
      await axe(page, `messenger settings at ${width}`);
    }
  });
});
