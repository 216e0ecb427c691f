// A visitor on a customer page with hostile CSS and a strict CSP chats, gets blocked through
// the REST API, cannot send (not even with a forged socket), and is unblocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { blockContact, http, newAdmin, unblockContact } from '../support/api.js';
import { connectVisitor, newClientId, type Visitor } from '../support/visitor.js';
import { artifacts, haveChromium, hostPage, launch, root } from '../widget/browser.js';

const enabled = haveChromium();

describe.skipIf(!enabled)('widget on a hostile page under a strict CSP', () => {
  let server: TestServer;
  let host: Awaited<ReturnType<typeof hostPage>>;
  let browser: Browser;
  let page: Page;
  let forged: Visitor;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), animations: 'disabled' });

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/public/widget.js')), 'run `node build.mjs` first (npm test does)').toBe(true);
    [server, browser] = await Promise.all([startServer(), launch()]);
    host = await hostPage(server.url, { title: 'ACME Support' });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => (m.type() === 'error' || /Content Security Policy|Refused/.test(m.text())) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
  });

  afterAll(async () => {
    forged?.close();
    await browser?.close();
    await host?.close();
    await server?.close();
  });

  it('paints the launcher untouched by the host CSS', async () => {
    await page.goto(host.url);
    const launcher = page.locator('parley-messenger button.l');
    await launcher.waitFor();
    const box = (await launcher.boundingBox())!;
    expect([box.width, box.height]).toEqual([56, 56]);
    expect(Math.round(1280 - box.x - box.width)).toBe(20);
    expect(Math.round(800 - box.y - box.height)).toBe(20);
    const style = await launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, transform: s.transform, font: getComputedStyle(el.parentElement!).fontFamily };
    });
    expect(style.bg).toBe('rgb(79, 70, 229)');
    expect(style.transform).toBe('none');
    expect(style.font).not.toContain('Comic');
    // Nothing was written to the host document's html/body/head.
    expect(await page.evaluate(() => [document.documentElement.getAttribute('style'), document.body.getAttribute('style'), document.querySelectorAll('style').length])).toEqual([null, null, 0]);
    // Styled through constructable stylesheets, which this CSP (style-src 'self') allows.
    expect(await page.evaluate(() => {
      const root = document.querySelector('parley-messenger')!.shadowRoot!;
      return [root.adoptedStyleSheets.length, root.querySelectorAll('style').length];
    })).toEqual([1, 0]);
    await shot('1-launcher');
  });

  it('the visitor opens the panel and sends; the message is confirmed', async () => {
    await page.locator('parley-messenger button.l').click();
    const box = (await page.locator('parley-messenger .p').boundingBox())!;
    expect(box.width).toBe(376);
    const input = page.locator('parley-messenger textarea');
    await input.fill('Hi! My order #4211 has not arrived yet. Can you check?');
    await input.press('Enter');
    await page.locator('parley-messenger .m.me[data-status="sent"]').waitFor();
    expect(await input.inputValue()).toBe('');
  });

  it('agent replies arrive live with safe markdown', async () => {
    const token = await page.evaluate((url) => localStorage.getItem(`parley:${url}:token`), server.url);
    expect(token).toBeTruthy();
    forged = await connectVisitor(server.url, { visitorToken: token! });
    const hist = await forged.history(null);
    if (!hist.ok) throw new Error(hist.error.message);
    const conv = hist.messages[0].conversationId;
    const res = await http(server, 'POST', `/v2/conversations/${conv}/reply`, {
      body: { type: 'admin', id: await newAdmin(server), messageType: 'reply', bodyMarkdown: 'Sorry about that! It left our warehouse on **Monday**; you can [track it here](https://example.com/track/4211). <img src=x onerror=alert(1)>' },
    });
    expect(res.status).toBeLessThan(300);
    const reply = page.locator('parley-messenger .m:not(.me) .bu a');
    await reply.waitFor();
    expect(await reply.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await page.locator('parley-messenger .bu img').count()).toBe(0);
    await page.locator('parley-messenger textarea').fill('Great, thank you!');
    await shot('2-conversation');
  });

  it('a REST block shows the notice within a second and removes the composer', async () => {
    const res = await blockContact(server, forged.session.contact.id, 'abusive messages');
    expect(res.status).toBe(200);
    const t0 = Date.now();
    await page.locator('parley-messenger .live .bn').waitFor({ timeout: 1000 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await page.locator('parley-messenger textarea').count()).toBe(0);
    expect(await page.locator('parley-messenger .live').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('parley-messenger .m').count()).toBeGreaterThanOrEqual(3); // history still readable
    await shot('3-blocked');
  });

  it('a send forced over a raw socket with the same visitor token is rejected', async () => {
    const ack = await forged.send('let me in anyway', newClientId());
    expect(ack).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
  });

  it('unblocking brings the composer back without a reload, and sending works again', async () => {
    const nav = page.evaluate(() => performance.getEntriesByType('navigation').length);
    expect((await unblockContact(server, forged.session.contact.id)).status).toBe(200);
    const input = page.locator('parley-messenger textarea');
    await input.waitFor({ timeout: 2000 });
    expect(await page.locator('parley-messenger .live .bn').count()).toBe(0);
    await input.fill('Thanks, all good now.');
    await input.press('Enter');
    await page.locator('parley-messenger .m.me[data-status="sent"] >> text=all good now').waitFor();
    expect(await nav).toBe(1);
    await shot('4-unblocked');
  });

  it('broke no CSP rule and logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
