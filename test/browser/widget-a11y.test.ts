// The widget on the demo page at 320, 390 and 1280 px, driven by the keyboard alone: the page
// reflows and the launcher stays reachable, focus is visible everywhere (also on the accent
// header and the textarea), axe finds nothing serious, phones get a 16 px textarea, the
// theme is light unless asked, failed sends raise one alert, and block/unblock keep the
// newest message in view under a designed notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { blockContact, unblockContact } from '../support/api.js';
import { connectVisitor } from '../support/visitor.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { artifacts, haveChromium, launch, root } from '../widget/browser.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const W = 'parley-messenger';

/** axe over the whole page (it enters open shadow roots); serious and critical findings fail. */
async function axe(page: Page, label: string) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 4).map((n: any) => n.target.join(' ')) }));
  });
  expect(found.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical'), label).toEqual([]);
}

/** What has focus, looking through the widget's shadow root. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    const s = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), cls: el.getAttribute('class'), outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, font: s.fontSize };
  });

/** Tabs from the top of the page until the launcher has focus; every stop on the way is visible. */
async function tabToLauncher(page: Page) {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f?.cls === 'l') return f;
  }
  throw new Error('the launcher is not reachable with Tab');
}

describe.skipIf(!haveChromium())('widget: small screens, keyboard and accessibility', () => {
  let server: TestServer;
  let browser: Browser;
  const problems: string[] = [];

  async function demo(width: number, height: number, colorScheme: 'light' | 'dark' = 'light') {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme, locale: 'en-GB', isMobile: width < 480, hasTouch: width < 480 });
    const page = await context.newPage();
    page.on('console', (m) => (m.type() === 'error' || /Content Security Policy|Refused/.test(m.text())) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(server.url + '/');
    await page.locator(`${W} button.l`).waitFor();
    return page;
  }

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/public/widget.js')), 'run `node build.mjs` first (npm test does)').toBe(true);
    // Three messages per visitor, so a burst shows grouped failures.
    [server, browser] = await Promise.all([startServer({ rateLimits: { ...NO_RATE_LIMITS, sendPerContact: { points: 3, seconds: 600 } } }), launch()]);
    // A team with a usual reply time: the header shows it (a lazy chunk) on the accent.
    const lea = await server.parley.core.agents.create({ email: 'lea@example.com', name: 'Léa Martin', role: 'admin', password: 'correct horse battery' });
    await server.parley.core.messengerSettings.update({ replyTime: 'minutes', timezone: 'Europe/Paris', hours: [] }, lea);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [width, height] of [
    [320, 640],
    [390, 844],
    [1280, 800],
  ] as const) {
    it(`${width} px: the page reflows, and a keyboard-only visitor opens, writes, sends and closes`, async () => {
      const page = await demo(width, height);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const box = (await page.locator(`${W} button.l`).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(box.y + box.height).toBeLessThanOrEqual(height);

      const launcher = await tabToLauncher(page);
      expect(launcher.outline).toMatch(/^solid 3px/);
      await page.keyboard.press('Enter');
      await page.locator(`${W} textarea`).waitFor();
      await expect.poll(async () => (await focused(page))?.tag).toBe('textarea');
      const ta = (await focused(page))!;
      expect(ta.outline, 'the textarea shows where focus is').toMatch(/^solid 2px rgb\(79, 70, 229\)/);
      // iOS zooms into inputs under 16 px.
      if (width < 480) expect(parseFloat(ta.font)).toBeGreaterThanOrEqual(16);
      await page.keyboard.type(`Hello from ${width} px`);
      await page.keyboard.press('Enter');
      await page.locator(`${W} .m.me[data-status="sent"]`).waitFor();
      // The time is in the visitor's locale (en-GB: 24-hour "09:03").
      expect(await page.locator(`${W} .m.me .meta`).textContent()).toMatch(/^\d\d:\d\d$/);

      expect(await page.locator(`${W} .tm`).textContent()).toBe('LMLéa Martin · Typically replies in a few minutes');
      // No agent is online: the (lazy) email prompt asks at once.
      await page.locator(`${W} .ep input[type="email"]`).waitFor();

      // Back through the prompt and the thread to the header's close button: every stop shows
      // a focus ring, the close button's on the accent in the accent's text color.
      let close = (await focused(page))!;
      for (let i = 0; i < 8 && close.cls !== 'ib'; i++) {
        await page.keyboard.press('Shift+Tab');
        close = (await focused(page))!;
        expect(close.outline, `focus ring on ${close.tag}.${close.cls}`).not.toMatch(/^none/);
      }
      expect(close.cls).toBe('ib');
      expect(close.outline).toBe('solid 3px rgb(255, 255, 255)');

      // One banner landmark: the page's own header, not the widget's.
      expect(await page.getByRole('banner').count()).toBe(1);
      await axe(page, `${width} px, panel open`);
      await page.screenshot({ path: join(artifacts, `a11y-${width}.png`), animations: 'disabled' });

      await page.keyboard.press('Escape');
      await expect.poll(async () => (await focused(page))?.cls).toBe('l');
      await page.context().close();
    });
  }

  it('390 px, keyboard only: the email prompt refuses a typo, then takes the address and thanks', async () => {
    const page = await demo(390, 844);
    await tabToLauncher(page);
    await page.keyboard.press('Enter');
    await page.locator(`${W} textarea`).waitFor();
    await expect.poll(async () => (await focused(page))?.tag).toBe('textarea');
    await page.keyboard.type('Is the Huila in stock?');
    await page.keyboard.press('Enter');
    const input = page.locator(`${W} .ep input`);
    await input.waitFor();
    // textarea → "No thanks" → "Notify me" → the address field.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ tag: 'input', font: '16px' });
    await page.keyboard.type('ada@example');
    await page.keyboard.press('Enter');
    await page.locator(`${W} .ep-err`).filter({ hasText: 'name@example.com' }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await axe(page, 'email prompt with an error');
    await page.keyboard.type('.com');
    await page.keyboard.press('Enter');
    await page.locator(`${W} .ep[role="status"]`).filter({ hasText: 'ada@example.com' }).waitFor();
    const token = await page.evaluate((url) => localStorage.getItem(`parley:${url}:token`), server.url);
    const visitor = await connectVisitor(server.url, { visitorToken: token! });
    expect(visitor.session.followup.subscribed).toBe(true);
    expect((await server.parley.core.followups.get(visitor.session.contact.id))?.email).toBe('ada@example.com');
    visitor.close();
    await page.screenshot({ path: join(artifacts, 'a11y-email-prompt.png'), animations: 'disabled' });
    await page.context().close();
  });

  it('390 px, keyboard only: lists past conversations and starts a new one', async () => {
    const page = await demo(390, 780);
    await tabToLauncher(page);
    await page.keyboard.press('Enter');
    await page.locator(`${W} textarea`).waitFor();
    await expect.poll(async () => (await focused(page))?.tag).toBe('textarea');
    await page.keyboard.type('First topic');
    await page.keyboard.press('Enter');
    await page.locator(`${W} .m.me.sent`).waitFor();
    const pastButton = page.locator(`${W} .h button[aria-label="Your conversations"]`);
    await pastButton.press('Enter');
    await page.locator(`${W} .cv li`).waitFor();
    expect(await pastButton.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator(`${W} .cv li`).count()).toBe(1);
    expect((await page.locator(`${W} .cv`).boundingBox())!.width).toBeLessThanOrEqual(390);
    await axe(page, 'conversations list at 390 px');
    await page.screenshot({ path: join(artifacts, 'a11y-conversations.png'), animations: 'disabled' });
    // "New conversation" by keyboard: back to the composer, the next message opens a second one.
    await page.locator(`${W} .cv .nw`).press('Enter');
    await expect.poll(async () => (await focused(page))?.tag).toBe('textarea');
    await page.keyboard.type('Another topic');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`${W} .m.me.sent`).count()).toBe(2);
    await pastButton.press('Enter');
    await expect.poll(() => page.locator(`${W} .cv li`).count()).toBe(2);
    await page.context().close();
  });

  it('is light on a dark system unless the site asks for dark or auto', async () => {
    const page = await demo(390, 844, 'dark');
    await page.locator(`${W} button.l`).click();
    const bg = () => page.locator(`${W} .t`).evaluate((el) => getComputedStyle(el).backgroundColor);
    await page.locator(`${W} textarea`).waitFor();
    expect(await bg()).toBe('rgb(245, 246, 248)');
    await page.evaluate(() => (window as any).Parley('update', { theme: 'auto' }));
    expect(await bg()).toBe('rgb(18, 19, 22)');
    await page.evaluate(() => (window as any).Parley('update', { theme: 'light' }));
    expect(await bg()).toBe('rgb(245, 246, 248)');
    await page.evaluate(() => (window as any).Parley('update', { theme: 'dark' }));
    expect(await bg()).toBe('rgb(18, 19, 22)');
    await axe(page, 'dark panel');
    await page.context().close();
  });

  it('1280 px: failed sends raise one alert, the counter leaves the textarea its width, block and unblock keep the newest message in view', async () => {
    const page = await demo(1280, 800);
    await page.locator(`${W} button.l`).click();
    const input = page.locator(`${W} textarea`);
    // Five quick sends against a limit of three: two fail, grouped.
    for (let i = 1; i <= 5; i++) {
      await input.fill(`Burst ${i}`);
      await input.press('Enter');
    }
    await page.locator(`${W} .m.me[data-status="failed"]`).nth(1).waitFor();
    expect(await page.locator(`${W} [role="alert"]`).count()).toBe(1);
    expect(await page.locator(`${W} .fs span`).textContent()).toBe('2 messages were not sent. You are sending too fast. Wait a moment and retry.');
    expect(await page.locator(`${W} .m.me .meta.err`).allTextContents()).toEqual(['Not sent', 'Not sent']);
    await axe(page, 'grouped failures');
    await page.screenshot({ path: join(artifacts, 'a11y-failed.png'), animations: 'disabled' });

    const width = (await input.boundingBox())!.width;
    await input.fill('x'.repeat(10_050));
    await page.locator(`${W} .cnt.err`).waitFor();
    expect(await page.locator(`${W} .cnt`).textContent()).toBe('50 characters too many');
    expect((await input.boundingBox())!.width).toBe(width);
    await page.screenshot({ path: join(artifacts, 'a11y-counter.png'), animations: 'disabled' });
    await input.fill('');

    const token = await page.evaluate((url) => localStorage.getItem(`parley:${url}:token`), server.url);
    const visitor = await connectVisitor(server.url, { visitorToken: token! });
    await page.evaluate(() => (window as any).Parley('update', { blockedContact: 'Or write to [help@northwind.test](mailto:help@northwind.test).' }));
    expect((await blockContact(server, visitor.session.contact.id, 'test')).status).toBe(200);
    await page.locator(`${W} .live .bn`).waitFor();
    expect(await page.locator(`${W} .h-t > span`).textContent()).toBe('Messaging is off');
    expect(await page.locator(`${W} .bn-c a`).getAttribute('href')).toBe('mailto:help@northwind.test');
    const newestInView = () =>
      page.evaluate((w) => {
        const root = document.querySelector(w)!.shadowRoot!;
        const t = root.querySelector('.t')!.getBoundingClientRect();
        const last = [...root.querySelectorAll('.m')].pop()!.getBoundingClientRect();
        return last.bottom <= t.bottom + 1 && last.top >= t.top;
      }, W);
    await expect.poll(newestInView).toBe(true);
    await axe(page, 'blocked notice');
    await page.screenshot({ path: join(artifacts, 'a11y-blocked.png'), animations: 'disabled' });

    expect((await unblockContact(server, visitor.session.contact.id)).status).toBe(200);
    await input.waitFor();
    expect(await page.locator(`${W} .h-t > span`).textContent()).toContain('Typically replies in a few minutes');
    await expect.poll(newestInView).toBe(true);
    visitor.close();
    await page.context().close();
  });

  it('broke no CSP rule and logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
