// The console's shell in real Chromium: addresses (deep links, reload, back and forward),
// every screen at 1440, 768 and 390 px with axe and a screenshot, one pane at a time on a
// phone, dark mode, and the defects seen in screenshots (toast over the send button, long
// ids, sign-in card, banner hiding the latest message).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, haveChromium, launchChromium } from '../support/browser.js';
import { createAgent, PASSWORD } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

const artifacts = join(import.meta.dirname, '../../test-artifacts/console/screens');
const WIDTHS = [1440, 768, 390] as const;
const LONG_ID = `acct_${'x9'.repeat(40)}`;

describe.skipIf(!haveChromium('the console shell test'))('console shell', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let conversationId: string;
  let contactId: string;
  const problems: string[] = [];

  /** Signs the context in over the API (the sign-in page has its own test). */
  async function signedIn(ctx: BrowserContext, email = 'ada@example.com') {
    const res = await ctx.request.post(`${server.url}/console/api/session`, { data: { email, password: PASSWORD } });
    expect(res.status()).toBe(200);
  }

  const shot = (p: Page, name: string, width: number) => p.screenshot({ path: join(artifacts, `${name}-${width}.png`), animations: 'disabled' });
  /** Nothing wider than the viewport: no sideways page scroll. */
  const pageWidth = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth);

  beforeAll(async () => {
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    await createAgent(server, 'ada@example.com', 'admin', 'Ada Lovelace');
    await createAgent(server, 'bob@example.com', 'agent', 'Bob Kahn');
    const core = server.parley.core;
    // A customer with a long id and name, one message; a second conversation to move between.
    const { contact } = await core.contacts.createOrUpdate({ userId: LONG_ID, email: 'grace@example.com', name: 'Grace Hopper-Featherstonehaugh', customFields: { plan: 'Team' } });
    contactId = contact.id;
    const sent = await core.messages.sendAsContact({ contactId, contactType: 'customer', body: 'My invoice shows the wrong VAT number.' });
    conversationId = sent.message.conversationId;
    const other = await core.contacts.createOrUpdate({ userId: 'u-2', email: 'alan@example.com', name: 'Alan Turing' });
    await core.messages.sendAsContact({ contactId: other.contact.id, contactType: 'customer', body: 'Can I change my plan?' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('marks the sign-in fields invalid on a wrong password without moving the card', async () => {
    await page.goto(`${server.url}/console`);
    const card = page.locator('.signin-card');
    await card.waitFor();
    const before = await card.boundingBox();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await card.boundingBox()).toEqual(before);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 860 });
      await axe(page, `sign-in error at ${width}`);
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await shot(page, 'sign-in-error', width);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('opens a shared conversation link after sign-in, keeps it on reload, and moves back and forward', async () => {
    await signedIn(context);
    await page.goto(`${server.url}/console/conversations/${conversationId}`);
    await page.locator('.msg.visitor', { hasText: 'wrong VAT' }).waitFor();
    expect(await page.locator('h1').count()).toBe(1);
    await page.reload();
    await page.locator('.msg.visitor', { hasText: 'wrong VAT' }).waitFor();
    await page.locator('a.conv', { hasText: 'change my plan' }).click();
    await page.locator('.msg.visitor', { hasText: 'change my plan' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/conversations\/\d+$/);
    await page.goBack();
    await page.locator('.msg.visitor', { hasText: 'wrong VAT' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/conversations/${conversationId}`);
    await page.goForward();
    await page.locator('.msg.visitor', { hasText: 'change my plan' }).waitFor();
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.locator('a.row-link', { hasText: 'Grace' }).click();
    await page.waitForURL(`**/console/contacts/${contactId}`);
    await page.reload();
    await page.locator('.contact-card .mono', { hasText: LONG_ID }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
  });

  it('finds contacts by name, email or user id; a contact page lists conversations, attributes and block history', async () => {
    await page.goto(`${server.url}/console/contacts`);
    const search = page.getByLabel('Search contacts by name, email or user ID');
    const names = () => page.locator('a.row-link').allTextContents();
    await search.fill('x9x9x9');
    await expect.poll(names).toEqual(['Grace Hopper-Featherstonehaugh']);
    await search.fill('ALAN@');
    await expect.poll(names).toEqual(['Alan Turing']);
    await search.fill('nobody at all');
    await page.getByText('No contacts match.').waitFor();
    await search.fill('grace');
    await page.locator('a.row-link', { hasText: 'Grace' }).click();
    await page.getByRole('heading', { name: 'Block history' }).waitFor();
    await page.locator('.facts dt', { hasText: 'plan' }).waitFor();
    await page.getByRole('link', { name: `Conversation #${conversationId}` }).click();
    await page.locator('.msg.visitor', { hasText: 'wrong VAT' }).waitFor();
  });

  it('keeps a team library of saved replies and inserts one with / in the composer', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/console/replies`);
    await page.getByLabel('Title').fill('Shipping times');
    await page.getByLabel('Reply', { exact: true }).fill('Orders leave our roastery within **2 days**.');
    await page.getByRole('button', { name: 'Add reply' }).click();
    await page.locator('.reply-list', { hasText: 'Shipping times' }).waitFor();
    await page.goto(`${server.url}/console/conversations/${conversationId}`);
    const composer = page.getByPlaceholder(/Write a reply/);
    await composer.fill('/ship');
    const option = page.getByRole('option', { name: /Shipping times/ });
    await option.waitFor();
    await axe(page, 'composer with saved replies');
    await shot(page, 'saved-reply-picker', 1440);
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('Orders leave our roastery within **2 days**.');
    await option.waitFor({ state: 'detached' });
    await composer.fill('');
  });

  it('assignment is live between two agents in two browsers and recorded in the timeline', async () => {
    const bobContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', colorScheme: 'light' });
    await signedIn(bobContext, 'bob@example.com');
    const bob = await bobContext.newPage();
    await bob.goto(`${server.url}/console/conversations`);
    await bob.getByRole('button', { name: 'Unassigned', exact: true }).click();
    const row = bob.locator('a.conv', { hasText: 'wrong VAT' });
    await row.waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/console/conversations/${conversationId}`);
    await page.getByRole('button', { name: 'Assign to me' }).click();
    // Bob's Unassigned list loses it at once; under All it carries Ada's name.
    await row.waitFor({ state: 'detached' });
    await bob.getByRole('button', { name: 'All', exact: true }).click();
    await bob.locator('a.conv', { hasText: 'wrong VAT' }).locator('.badge.assignee', { hasText: 'Ada Lovelace' }).waitFor();
    await bob.locator('a.conv', { hasText: 'wrong VAT' }).click();
    await bob.locator('.event.assigned', { hasText: 'Ada Lovelace took the conversation' }).waitFor();
    await bob.getByLabel('Assignee').selectOption({ label: 'You (Bob Kahn)' });
    // Ada sees the hand-over in her open thread, live, and her Mine list no longer holds it.
    await page.locator('.event.assigned', { hasText: 'Bob Kahn took the conversation' }).waitFor();
    expect(await page.getByLabel('Assignee').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Mine', exact: true }).click();
    await page.locator('a.conv', { hasText: 'wrong VAT' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await bob.locator('.conv-actions').getByRole('button', { name: 'Close' }).click();
    await page.locator('.event.closed', { hasText: 'Bob Kahn closed the conversation' }).waitFor();
    await bob.locator('.conv-actions').getByRole('button', { name: 'Reopen' }).click();
    await page.locator('.event.reopened').waitFor();
    await axe(bob, 'conversation with timeline events');
    await shot(bob, 'assignment-other-agent', 1440);
    await bobContext.close();
  });

  it('an agent sets their name, colour and picture; an admin changes the role of a teammate', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/console/profile`);
    await page.getByLabel('Display name').fill('Ada King');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.locator('.who-name', { hasText: 'Ada King' }).waitFor({ timeout: 10_000 });
    await page.getByRole('radio', { name: 'Teal' }).check();
    await page.locator('.topbar .avatar.av-5').waitFor({ timeout: 10_000 });
    const picture = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#2f9e44' } }).png().toBuffer();
    await page.locator('input[type=file]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: picture });
    const img = page.locator('.topbar img.avatar');
    await img.waitFor({ timeout: 10_000 });
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight]), { timeout: 10_000 }).toEqual([256, 256]);
    await axe(page, 'profile with a picture');
    await shot(page, 'profile-picture', 1440);
    await page.goto(`${server.url}/console/team`);
    await page.getByLabel('Role of Bob Kahn').waitFor({ timeout: 10_000 });
    const bobRole = async () => (await server.parley.store.agents.findByEmail('bob@example.com'))!.role;
    await page.getByLabel('Role of Bob Kahn').selectOption('admin');
    await expect.poll(bobRole, { timeout: 10_000 }).toBe('admin');
    await page.getByLabel('Role of Bob Kahn').selectOption('agent');
    await expect.poll(bobRole, { timeout: 10_000 }).toBe('agent');
  });

  it('chimes, counts in the tab title and notifies (once asked) for new visitor messages; a stale "is typing" goes on block and disconnect', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    // Record tones and notifications instead of making them; the tab can be made "hidden".
    await ctx.addInitScript(() => {
      const w = window as any;
      w.__tones = 0;
      w.__notes = [];
      w.__hidden = false;
      w.AudioContext = class {
        currentTime = 0;
        destination = {};
        createOscillator() {
          w.__tones++;
          return { frequency: {}, connect: (x: unknown) => x, start() {}, stop() {} };
        }
        createGain() {
          return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (x: unknown) => x };
        }
      };
      w.Notification = class {
        static permission = 'default';
        static requestPermission = async () => (w.Notification.permission = 'granted');
        onclick = null;
        constructor(title: string, opts: { body: string }) {
          w.__notes.push(`${title}: ${opts.body}`);
        }
        close() {}
      };
      Object.defineProperty(document, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') });
    });
    await signedIn(ctx);
    const p = await ctx.newPage();
    await p.goto(`${server.url}/console/conversations`);
    await p.locator('.dot.on').waitFor();
    const visitor = await connectVisitor(server.url, { name: 'Nora' });
    const first = await visitor.send('Is anyone there?');
    if (!first.ok) throw new Error(first.error.code);
    await p.locator('a.conv', { hasText: 'Is anyone there' }).waitFor();
    await expect.poll(() => p.evaluate(() => (window as any).__tones)).toBeGreaterThan(0);
    await expect.poll(() => p.title()).toMatch(/^\(\d+\) Inbox · Parley$/);
    // Notifications only after the agent asks, and only while the tab is hidden.
    expect(await p.evaluate(() => (window as any).__notes)).toEqual([]);
    await p.locator('.account summary').click();
    await p.getByRole('button', { name: 'Turn on desktop notifications' }).click();
    await p.getByText('Desktop notifications are on.').waitFor();
    await p.getByLabel('New-message sound').uncheck();
    await p.locator('.account summary').click();
    const tones = await p.evaluate(() => (window as any).__tones);
    await p.evaluate(() => ((window as any).__hidden = true));
    await visitor.send('Hello again');
    await expect.poll(() => p.evaluate(() => (window as any).__notes)).toEqual(['Nora: Hello again']);
    expect(await p.evaluate(() => (window as any).__tones)).toBe(tones);
    await p.evaluate(() => ((window as any).__hidden = false));

    // Typing shows, then ends when the visitor's tab closes; again, then ends with a block.
    await p.locator('a.conv', { hasText: 'Hello again' }).click();
    const typing = p.locator('.typing', { hasText: 'is typing' });
    visitor.socket.emit('typing', { conversationId: first.message.conversationId, typing: true });
    await typing.waitFor();
    visitor.close();
    await typing.waitFor({ state: 'detached', timeout: 2000 });
    const back = await connectVisitor(server.url, { visitorToken: visitor.session.visitorToken });
    back.socket.emit('typing', { conversationId: first.message.conversationId, typing: true });
    await typing.waitFor();
    await server.parley.core.contacts.block(back.session.contact.id, { actorType: 'api', actorId: null }, 'spam');
    await typing.waitFor({ state: 'detached', timeout: 2000 });
    back.close();
    await ctx.close();
  });

  it('shows every screen at 1440, 768 and 390 px without sideways scrolling and without serious axe findings', async () => {
    const screens: [string, string, string][] = [
      ['inbox', '/console/conversations', '.inbox'],
      ['conversation', `/console/conversations/${conversationId}`, '.msg.visitor'],
      ['contacts', '/console/contacts', 'a.row-link'],
      ['contact', `/console/contacts/${contactId}`, '.contact-card'],
      ['team', '/console/team', '.team-add'],
      ['replies', '/console/replies', '.reply-form'],
      ['profile', '/console/profile', '.profile'],
    ];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
      for (const [name, path, ready] of screens) {
        await page.goto(`${server.url}${path}`);
        await page.locator(ready).first().waitFor();
        const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap')).slice(0, 5).map((e) => `${e.tagName}.${e.className}`), width);
        expect(await pageWidth(page), `${name} at ${width}: ${wide.join(', ')}`).toBeLessThanOrEqual(width);
        await axe(page, `${name} at ${width}`);
        await shot(page, name, width);
      }
    }
  }, 120_000); // every screen at three widths, axe on each, in one real browser: the default 30 s is too tight on a shared machine

  it('on a phone shows one pane at a time with a way back, and keeps sign-out and the block history in reach', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/console/conversations`);
    await page.locator('a.conv', { hasText: 'wrong VAT' }).click();
    await page.locator('.msg.visitor', { hasText: 'wrong VAT' }).waitFor();
    expect(await page.locator('.inbox').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Details' }).click();
    const panel = page.locator('.panel');
    await panel.getByRole('heading', { name: 'Block history' }).waitFor();
    // The long id wraps inside the panel.
    const id = await panel.locator('.mono', { hasText: LONG_ID }).boundingBox();
    expect(id!.x + id!.width).toBeLessThanOrEqual(390);
    await shot(page, 'details', 390);
    await page.getByRole('button', { name: 'Back to the conversation' }).click();
    await page.getByRole('button', { name: 'Back to the inbox' }).click();
    await page.locator('.inbox').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/conversations');
    await page.locator('.account summary').click();
    const signOut = page.getByRole('button', { name: 'Sign out' });
    const box = await signOut.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await page.locator('.account summary').click();
    // Between phone and desktop (768) the panel is one click away too.
    await page.setViewportSize({ width: 768, height: 900 });
    await page.goto(`${server.url}/console/conversations/${conversationId}`);
    await page.getByRole('button', { name: 'Details' }).click();
    await page.locator('.panel').getByRole('heading', { name: 'Block history' }).waitFor();
    // The filter chips stay on one row.
    await page.getByRole('button', { name: 'Back to the conversation' }).click();
    const rows = await page.locator('.filters').evaluateAll((groups) => groups.map((g) => new Set([...g.children].map((e) => (e as HTMLElement).offsetTop)).size));
    expect(rows).toEqual([1, 1]);
  });

  it('follows the system colour scheme, and the switch overrides it', async () => {
    const dark = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    await signedIn(dark);
    const p = await dark.newPage();
    await p.goto(`${server.url}/console/conversations/${conversationId}`);
    await p.locator('.msg.visitor').waitFor();
    const bg = () => p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await bg()).toBe('rgb(17, 20, 24)');
    await axe(p, 'dark conversation');
    await shot(p, 'conversation-dark', 1440);
    await p.locator('.account summary').click();
    await p.getByLabel('Theme').selectOption('light');
    expect(await bg()).toBe('rgb(246, 247, 249)');
    await p.reload();
    await p.locator('.msg.visitor').waitFor();
    expect(await bg()).toBe('rgb(246, 247, 249)');
    await dark.close();
  });

  it('shows toasts clear of the send button, and the latest message stays in view when the block banner appears', async () => {
    await page.setViewportSize({ width: 1440, height: 700 });
    await page.goto(`${server.url}/console/conversations/${conversationId}`);
    await page.locator('.msg.visitor').waitFor();
    for (let i = 0; i < 25; i++) await server.parley.core.messages.sendAsContact({ contactId, contactType: 'customer', body: `Line ${i}` });
    await page.locator('.msg.visitor', { hasText: 'Line 24' }).waitFor();
    await page.locator('.conv-actions').getByRole('button', { name: 'Block' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Block', exact: true }).click();
    const toast = page.locator('.toast', { hasText: 'is blocked' });
    await toast.waitFor();
    await page.locator('.banner', { hasText: 'is blocked' }).waitFor();
    const [t, send] = [await toast.boundingBox(), await page.getByRole('button', { name: 'Send reply' }).boundingBox()];
    expect(t!.y + t!.height < send!.y || send!.y + send!.height < t!.y).toBe(true);
    await expect.poll(() => page.locator('.msg.visitor', { hasText: 'Line 24' }).evaluate((el) => {
      const thread = el.closest('.thread')!.getBoundingClientRect();
      return el.getBoundingClientRect().bottom <= thread.bottom + 1;
    })).toBe(true);
    await shot(page, 'blocked-banner', 1440);
    expect(problems).toEqual([]);
  });
});
