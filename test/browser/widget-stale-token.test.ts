// A visitor whose stored token the server no longer accepts (database reset, secret
// rotated, tampered storage) must not be stuck offline: the widget starts afresh as a lead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { haveChromium, launch } from '../widget/browser.js';

describe.skipIf(!haveChromium())('widget with a stale visitor token', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('drops a token the server refuses (an old v1 token from before the upgrade), gets a new lead and sends', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const key = `parley:${server.url}:token`;
    const forged = `v1.${'a'.repeat(24)}.${'A'.repeat(43)}`;
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, forged]);
    await page.reload();
    await page.locator('parley-messenger button.l').click();
    const input = page.locator('parley-messenger textarea');
    await input.fill('Hello after a server reset');
    await input.press('Enter');
    await page.locator('parley-messenger .m.me[data-status="sent"]').waitFor({ timeout: 5000 });
    const token = await page.evaluate((k) => localStorage.getItem(k), key);
    expect(token).not.toBe(forged);
    expect(token).toMatch(/^v2\.[0-9a-f]{24}\./);
    const device = await page.evaluate((u) => localStorage.getItem(`parley:${u}:device`), server.url);
    expect(device).toMatch(/^[0-9a-f]{32}$/);
  });
});
