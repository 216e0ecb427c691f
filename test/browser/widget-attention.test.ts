// What pulls a visitor back, on the demo page at 320, 390 and 1280 px in real Chromium: the
// header's team line (reply time set by an admin, or when the team is back outside office
// hours), "Seen" live once an agent opens the conversation, and with the panel closed a
// reply's preview bubble and the unread count in the page title (dismissed by keyboard,
// cleared by opening). axe finds nothing serious or critical at each width.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { ask, connectAgent, createAgent, nextEvent, signIn, type AgentSocket } from '../support/agent.js';
import { axe, haveChromium, launchChromium } from '../support/browser.js';
import { artifacts, root } from '../widget/browser.js';

const W = 'parley-messenger';

describe.skipIf(!haveChromium('the widget attention test'))('widget: team line, Seen, preview and title count', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: string;
  let agent: AgentSocket;
  const problems: string[] = [];

  const putSettings = async (body: unknown) => {
    const res = await fetch(`${server.url}/console/api/messenger-settings`, { method: 'PUT', headers: { cookie: admin, 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/public/widget.js')), 'run `node build.mjs` first (npm test does)').toBe(true);
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    await createAgent(server, 'lea@example.com', 'admin', 'Léa Martin');
    admin = (await signIn(server, 'lea@example.com')).cookie;
    agent = await connectAgent(server, admin);
  });

  afterAll(async () => {
    agent?.close();
    await browser?.close();
    await server?.close();
  });

  async function demo(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB', isMobile: width < 480, hasTouch: width < 480 });
    const page = await context.newPage();
    // A step that never happens fails with its own message, inside the test's time.
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => (m.type() === 'error' || /Content Security Policy|Refused/.test(m.text())) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(server.url + '/');
    await page.locator(`${W} button.l`).waitFor();
    return page;
  }

  /** axe reads colors mid-transition as faded ones: check once the panel's open/close motion has ended. */
  async function axeSettled(page: Page, label: string) {
    await page.waitForFunction((w) => document.querySelector(w)!.shadowRoot!.getAnimations().every((a) => a.playState !== 'running'), W);
    await axe(page, label);
  }

  const when = (page: Page) => page.locator(`${W} .tm > span:last-child`);

  for (const [width, height] of [
    [320, 640],
    [390, 844],
    [1280, 800],
  ] as const) {
    it(`${width} px: reply time, Seen, preview and title count, then when the team is back`, async () => {
      await putSettings({ replyTime: 'minutes', timezone: 'UTC', hours: [] });
      const page = await demo(width, height);
      const baseTitle = await page.title();
      expect(baseTitle).not.toMatch(/^\(\d+\)/);

      // 1. The team line in the header once open.
      await page.locator(`${W} button.l`).click();
      const input = page.locator(`${W} textarea`);
      await input.waitFor();
      await when(page).filter({ hasText: 'Typically replies' }).waitFor();
      expect(await when(page).textContent()).toBe('Léa Martin · Typically replies in a few minutes');

      // 2. The visitor writes; the agent opens the conversation: "Seen", live.
      const text = `Hello from ${width} px`;
      const arrived = nextEvent(agent, 'message:new', (p) => p.message.body === text);
      await input.fill(text);
      await input.press('Enter');
      const { message } = await arrived;
      await page.locator(`${W} .m.me[data-status="sent"]`).waitFor();
      const seen = page.locator(`${W} .m.me .meta`).filter({ hasText: 'Seen' });
      expect(await seen.count()).toBe(0);
      const opened = await ask(agent, 'conversation:open', { conversationId: message.conversationId });
      expect(opened.ok).toBe(true);
      await seen.waitFor();
      expect(await seen.textContent()).toMatch(/^\d\d:\d\d · Seen$/);

      // 3. Panel closed; the agent replies: preview above the launcher, count in the title.
      await input.press('Escape');
      await input.waitFor({ state: 'hidden' });
      const reply = await ask(agent, 'conversation:reply', { conversationId: message.conversationId, body: `Hi **there**, ${width}!`, clientId: `attention-${width}` });
      expect(reply.ok).toBe(true);
      const bubble = page.locator(`${W} .pvb`);
      await bubble.waitFor();
      expect(await bubble.locator('.pvo').textContent()).toBe(`Léa MartinHi there, ${width}!`);
      await expect.poll(() => page.title()).toBe(`(1) ${baseTitle}`);
      const pv = (await bubble.boundingBox())!;
      const launcher = (await page.locator(`${W} button.l`).boundingBox())!;
      expect(pv.y + pv.height, 'the bubble sits above the launcher').toBeLessThanOrEqual(launcher.y + 1);
      expect(pv.x).toBeGreaterThanOrEqual(0);
      expect(pv.x + pv.width).toBeLessThanOrEqual(width);
      await axeSettled(page, `${width} px, preview bubble`);
      await page.screenshot({ path: join(artifacts, `attention-preview-${width}.png`), animations: 'disabled' });

      await bubble.locator('.pvx').press('Enter');
      await bubble.waitFor({ state: 'hidden' });
      expect(await page.title(), 'dismissing the bubble leaves the reply unread').toBe(`(1) ${baseTitle}`);
      await page.locator(`${W} button.l`).press('Enter');
      await input.waitFor();
      await expect.poll(() => page.title()).toBe(baseTitle);
      await page.locator(`${W} .m`).filter({ hasText: `Hi there, ${width}!` }).waitFor();
      await axeSettled(page, `${width} px, panel open after a reply`);
      await page.screenshot({ path: join(artifacts, `attention-open-${width}.png`), animations: 'disabled' });

      // 1b. Outside office hours the header says when the team is back (two days on, 09:00 UTC).
      const day = (new Date().getUTCDay() + 2) % 7;
      await putSettings({ replyTime: 'minutes', timezone: 'UTC', hours: [{ day, open: '09:00', close: '10:00' }] });
      await page.reload();
      await page.locator(`${W} button.l`).click();
      await input.waitFor();
      const weekday = new Date(2024, 0, 7 + day).toLocaleDateString('en-GB', { weekday: 'long' });
      await when(page).filter({ hasText: 'Away now' }).waitFor();
      expect(await when(page).textContent()).toBe(`Léa Martin · Away now, back ${weekday} 09:00 (UTC)`);
      await axeSettled(page, `${width} px, outside office hours`);
      await page.screenshot({ path: join(artifacts, `attention-away-${width}.png`), animations: 'disabled' });
      await page.context().close();
    }, 60_000);
  }

  it('broke no CSP rule and logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
