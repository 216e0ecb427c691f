// The demo page served at `/` by the Parley server, under the server's own CSP: a returning
// visitor sees unread replies on the badge, the panel goes full screen on a phone (light
// like the site even on a dark system, French), and messages written offline are sent after the reconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { http, newAdmin } from '../support/api.js';
import { artifacts, haveChromium, launch, root } from '../widget/browser.js';

const enabled = haveChromium();

describe.skipIf(!enabled)('widget on the demo page', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  async function open(p: Page) {
    p.on('console', (m) => (m.type() === 'error' || /Content Security Policy|Refused/.test(m.text())) && problems.push(`${m.text()} (${m.location().url})`));
    p.on('pageerror', (e) => problems.push(String(e)));
    await p.goto(server.url + '/');
    await p.locator('parley-messenger button.l').waitFor();
  }

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/public/index.html')), 'run `node build.mjs` first (npm test does)').toBe(true);
    [server, browser] = await Promise.all([startServer(), launch()]);
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', locale: 'fr-FR', isMobile: true, hasTouch: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is served at / under a strict CSP and opens full screen on a phone, light on a dark system, in French', async () => {
    const res = await fetch(server.url + '/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    await open(page);
    await page.locator('parley-messenger button.l').tap();
    const input = page.locator('parley-messenger textarea');
    await input.waitFor();
    expect(await input.getAttribute('placeholder')).toBe('Écrivez un message…');
    // The panel slides in: measure once the animation has settled.
    await expect.poll(() => page.locator('parley-messenger .p').boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await page.locator('parley-messenger button.l').isVisible()).toBe(false);
    expect(await page.locator('parley-messenger .t').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(245, 246, 248)');
    await input.fill('Bonjour, livrez-vous en Belgique ?');
    await input.press('Enter');
    await page.locator('parley-messenger .m.me[data-status="sent"]').waitFor();
    await page.screenshot({ path: join(artifacts, '5-mobile-dark-fr.png'), animations: 'disabled' });
  });

  it('sends messages written while offline once the connection is back', async () => {
    await context.setOffline(true);
    await page.locator('parley-messenger .st').waitFor({ timeout: 10_000 });
    const input = page.locator('parley-messenger textarea');
    await input.fill('Écrit hors ligne');
    await input.press('Enter');
    await page.locator('parley-messenger .m.me[data-status="pending"]').waitFor();
    await page.screenshot({ path: join(artifacts, '6-offline.png'), animations: 'disabled' });
    await context.setOffline(false);
    await page.locator('parley-messenger .m.me[data-status="sent"] >> text=Écrit hors ligne').waitFor({ timeout: 15_000 });
    expect(await page.locator('parley-messenger .st').count()).toBe(0);
    expect(await page.locator('parley-messenger .m.me').count()).toBe(2);
  });

  it('a returning visitor sees unread agent replies on the badge', async () => {
    const token = await page.evaluate((url) => localStorage.getItem(`parley:${url}:token`), server.url);
    const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Same visitor on a fresh page: carry the token over (as a reload would keep it).
    await desktop.goto(server.url + '/healthz');
    await desktop.evaluate(([url, t]) => localStorage.setItem(`parley:${url}:token`, t!), [server.url, token] as const);
    await open(desktop);
    // Connected at idle (returning visitor), panel still closed.
    const list = await http(server, 'GET', '/v2/conversations');
    const id = list.json?.data?.[0]?.id ?? list.json?.conversations?.[0]?.id;
    expect(id, `GET /v2/conversations answered ${list.status} ${list.text.slice(0, 200)}`).toBeTruthy();
    await http(server, 'POST', `/v2/conversations/${id}/reply`, { body: { type: 'admin', id: await newAdmin(server), messageType: 'reply', bodyMarkdown: 'Oui, nous livrons en Belgique en 2 à 3 jours.' } });
    await desktop.locator('parley-messenger .b >> text=1').waitFor();
    expect(await desktop.locator('parley-messenger button.l').getAttribute('aria-label')).toContain('1');
    // The reply is previewed above the closed launcher and counted in the tab title.
    await desktop.locator('parley-messenger .pvb').filter({ hasText: 'nous livrons en Belgique' }).waitFor();
    expect(await desktop.title()).toBe('(1) Northwind Roasters: small-batch coffee, delivered');
    await desktop.screenshot({ path: join(artifacts, '7-demo-unread.png'), animations: 'disabled' });
    await desktop.locator('parley-messenger button.l').click();
    await desktop.locator('parley-messenger .b:empty').waitFor({ state: 'attached' });
    await expect.poll(() => desktop.title()).toBe('Northwind Roasters: small-batch coffee, delivered');
    expect(await desktop.locator('parley-messenger .pvb').count()).toBe(0);
    await desktop.screenshot({ path: join(artifacts, '8-demo-open.png'), animations: 'disabled' });
  });

  it('broke no CSP rule and logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
