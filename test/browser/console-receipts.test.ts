// Read receipts in the console, in real Chromium: a socket.io-client visitor reads the agent's
// reply and "Seen" appears under it live; after a reload it comes from `conversation:open`;
// a newer reply the visitor has not read yet does not carry it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDto } from '../../protocol/types.js';
import { axe, haveChromium, launchChromium } from '../support/browser.js';
import { createAgent, PASSWORD } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';

describe.skipIf(!haveChromium('the console receipts test'))('console read receipts', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let visitor: Visitor;
  let conversationId: string;

  beforeAll(async () => {
    server = await startServer();
    await createAgent(server, 'ada@example.com', 'admin', 'Ada Lovelace');
    visitor = await connectVisitor(server.url);
    const sent = await visitor.send('Where is my parcel?');
    if (!sent.ok) throw new Error('send failed');
    conversationId = sent.message.conversationId;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    expect((await context.request.post(`${server.url}/console/api/session`, { data: { email: 'ada@example.com', password: PASSWORD } })).status()).toBe(200);
    page = await context.newPage();
  });

  afterAll(async () => {
    visitor?.close();
    await browser?.close();
    await server?.close();
  });

  /** The agent replies through the composer; resolves with the message as the visitor got it. */
  async function reply(text: string): Promise<MessageDto> {
    const got = new Promise<MessageDto>((resolve) => {
      const on = (m: MessageDto) => {
        if (m.body !== text) return;
        visitor.socket.off('message:new', on);
        resolve(m);
      };
      visitor.socket.on('message:new', on);
    });
    const composer = page.getByPlaceholder(/Write a reply/);
    await composer.fill(text);
    await composer.press('Enter');
    return got;
  }

  const seen = () => page.locator('.msg-seen');
  const message = (text: string) => page.getByRole('article').filter({ hasText: text });

  it('shows "Seen" live under the reply the visitor read, with the time for assistive technology', async () => {
    await page.goto(`${server.url}/console/conversations/${conversationId}`);
    await message('Where is my parcel?').waitFor();
    const first = await reply('It left on Monday.');
    await message('It left on Monday.').waitFor();
    expect(await seen().count()).toBe(0);

    visitor.socket.emit('read', { messageId: first.id });
    await message('It left on Monday.').locator('.msg-seen').waitFor();
    expect(await seen().count()).toBe(1);
    const text = await seen().textContent();
    expect(text).toMatch(/^Seen by /);
    expect(await seen().getAttribute('title')).toMatch(/^Seen by .+, \d/);
    await axe(page, 'conversation with a receipt');
  });

  it('keeps "Seen" on the read reply after a reload and moves it when the newer one is read', async () => {
    const second = await reply('Tracking: 1042.');
    await message('Tracking: 1042.').waitFor();
    await page.reload();
    await message('Tracking: 1042.').waitFor();
    await message('It left on Monday.').locator('.msg-seen').waitFor();
    expect(await message('Tracking: 1042.').locator('.msg-seen').count()).toBe(0);

    visitor.socket.emit('read', { messageId: second.id });
    await message('Tracking: 1042.').locator('.msg-seen').waitFor();
    expect(await seen().count()).toBe(1);
  });
});
