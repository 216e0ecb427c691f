// Hostile message bodies in real Chromium: nothing may execute in the widget (on a host page
// with a strict CSP) or in the console; links only keep http(s)/mailto targets.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../server/core/agents.js';
import { http, newAdmin } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { haveChromium, hostPage, CHROMIUM } from '../widget/browser.js';

const ADMIN = { email: 'admin@parley.local', password: 'xss test password' };
// Each payload sets window.__xss or opens a dialog if it ever runs.
const VISITOR_BODIES = [
  '<script>window.__xss="script"</script>',
  '<img src=x onerror="window.__xss=\'img\'">',
  '[click me](javascript:window.__xss="link")',
  '<svg onload="window.__xss=\'svg\'"><a xlink:href="javascript:alert(1)">svg link</a></svg>',
];
const AGENT_BODIES = [
  '[case trick](JaVaScRiPt:alert(2)) and [spaced]( javascript:alert(3))',
  '[data url](data:text/html,<script>alert(4)</script>) ![img](javascript:alert(5))',
  '<a href="javascript:alert(6)">raw anchor</a> <iframe src="javascript:alert(7)"></iframe>',
  '<details open ontoggle=alert(8)>x</details> <math><mtext><img src=x onerror=alert(9)></mtext></math> **bold** [ok](https://example.com/safe)',
];
const MARKER = 'xss-run';

describe.skipIf(!haveChromium())('hostile message bodies in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let host: Awaited<ReturnType<typeof hostPage>>;
  const dialogs: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    await ensureFirstAdmin(server.parley.core.agents, server.parley.store, { password: ADMIN.password });
    host = await hostPage(server.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
  });

  const watch = (page: Page) => page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  /** Links inside rendered messages, and elements that must never come from a message. */
  const inspect = (page: Page, messageSelector: string) => page.evaluate((sel) => {
    const roots: ParentNode[] = [document];
    const host = document.querySelector('parley-messenger');
    if (host?.shadowRoot) roots.push(host.shadowRoot);
    const messages = roots.flatMap((r) => [...r.querySelectorAll(sel)]);
    const dangerous = messages.flatMap((m) => [...m.querySelectorAll('script, iframe, img, svg, object, embed, math, details, [onerror], [onload], [ontoggle], [style]')]).map((e) => e.outerHTML.slice(0, 80));
    const hrefs = messages.flatMap((m) => [...m.querySelectorAll('a')]).map((a) => a.getAttribute('href'));
    return { xss: (window as any).__xss ?? null, count: messages.length, text: messages.map((m) => m.textContent).join('\n'), dangerous, hrefs };
  }, messageSelector);

  it('renders every hostile body as inert text in the widget and the console', async () => {
    const visitor = await (await browser.newContext()).newPage();
    watch(visitor);
    await visitor.goto(host.url);
    await visitor.locator('parley-messenger button.l').click();
    const input = visitor.locator('parley-messenger textarea');
    // The first one is typed key by key, as a person would.
    await input.pressSequentially(`${MARKER} ${VISITOR_BODIES[0]}`, { delay: 2 });
    await input.press('Enter');
    for (const body of VISITOR_BODIES.slice(1)) {
      await input.fill(body);
      await input.press('Enter');
    }
    await expect.poll(() => visitor.locator('parley-messenger .m.me[data-status="sent"]').count(), { timeout: 5000 }).toBe(VISITOR_BODIES.length);

    // The agent answers with the rest through the REST API.
    const conversations = await http(server, 'GET', '/v2/conversations');
    const conversationId = conversations.json.data[0].id;
    const adminId = await newAdmin(server, 'Agent');
    for (const body of AGENT_BODIES) {
      const res = await http(server, 'POST', `/v2/conversations/${conversationId}/reply`, { body: { type: 'admin', id: adminId, bodyMarkdown: body, messageType: 'reply' } });
      expect(res.status).toBe(201);
    }
    await expect.poll(() => visitor.locator('parley-messenger .m:not(.me)', { hasText: 'bold' }).count(), { timeout: 5000 }).toBe(1);

    const inWidget = await inspect(visitor, '.m .bu');
    expect(inWidget.xss).toBeNull();
    expect(inWidget.dangerous).toEqual([]);
    expect(inWidget.text).toContain('<script>window.__xss="script"</script>');
    expect(inWidget.hrefs.every((h) => h === null || /^(https?:|mailto:)/.test(h))).toBe(true);
    expect(inWidget.hrefs).toContain('https://example.com/safe');
    // Clicking what looks like a link does nothing harmful.
    await visitor.locator('parley-messenger .m', { hasText: 'click me' }).click();
    await visitor.screenshot({ path: 'test-artifacts/widget/xss-widget.png' });

    const agent = await (await browser.newContext()).newPage();
    watch(agent);
    await agent.goto(`${server.url}/console`);
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill(ADMIN.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const row = agent.locator('a.conv').first();
    await row.waitFor({ timeout: 5000 });
    await row.click();
    await agent.locator('.msg-body', { hasText: 'bold' }).waitFor({ timeout: 5000 });
    const inConsole = await inspect(agent, '.msg-body');
    expect(inConsole.count).toBe(VISITOR_BODIES.length + AGENT_BODIES.length);
    expect(inConsole.xss).toBeNull();
    expect(inConsole.dangerous).toEqual([]);
    expect(inConsole.text).toContain(MARKER);
    expect(inConsole.hrefs.every((h) => h === null || /^(https?:|mailto:)/.test(h))).toBe(true);
    await agent.screenshot({ path: 'test-artifacts/console/xss-console.png' });

    expect(dialogs).toEqual([]);
  });
});
