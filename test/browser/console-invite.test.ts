// Inviting an agent in real Chromium with a real in-process SMTP server: the admin invites
// from the Team view, the invitee opens the emailed link, chooses name and password and lands
// in the console signed in; the spent link then says so. axe at 1440 and 390 px.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailSettingsFromEnv } from '../../server/config.js';
import { axe, haveChromium, launchChromium } from '../support/browser.js';
import { createAgent, PASSWORD, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp } from '../support/smtp.js';

describe.skipIf(!haveChromium('the console invitation test'))('console invitations', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer({ email: emailSettingsFromEnv({ SMTP_URL: smtp.url }, ':memory:') });
    await createAgent(server, 'ada@example.com', 'admin', 'Ada Lovelace');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('invites from the Team view; the invitee joins through the emailed link; a spent link says so', async () => {
    const adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    expect((await adminContext.request.post(`${server.url}/console/api/session`, { data: { email: 'ada@example.com', password: PASSWORD } })).status()).toBe(200);
    const admin = await adminContext.newPage();
    await admin.goto(`${server.url}/console/team`);
    const form = admin.getByRole('form', { name: 'Invite by email' });
    await form.getByLabel('Email').fill('nora@example.com');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByRole('status').filter({ hasText: 'Invitation sent to nora@example.com.' }).waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'nora@example.com' });
    await row.getByText('Invited', { exact: true }).waitFor();
    await row.getByRole('button', { name: /Withdraw the invitation/ }).waitFor();
    await axe(admin, 'team with a pending invitation');

    const mail = await smtp.next();
    expect(mail.to).toEqual(['nora@example.com']);
    const link = /here: (\S+)/.exec(mail.text)![1];

    const invitee = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'en-GB' });
    const page = await invitee.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Join the team on Parley' }).waitFor();
    await page.getByText('nora@example.com').waitFor();
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: 860 });
      await axe(page, `invitation page at ${width}`);
    }
    await page.getByLabel('Your name').fill('Nora Quinn');
    await page.getByLabel(/^Password/).fill('short');
    // The browser's own check stops a too-short password before it is sent.
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    expect(await page.getByLabel(/^Password/).evaluate((el: HTMLInputElement) => el.validity.tooShort || el.validity.valueMissing || !el.checkValidity())).toBe(true);
    await page.getByLabel(/^Password/).fill('a long new password');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await page.getByRole('link', { name: 'Inbox' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/console(\/conversations)?$/);
    expect(new URL(page.url()).hash).toBe('');
    expect((await signIn(server, 'nora@example.com', 'a long new password')).status).toBe(200);

    // The admin's list shows her active once reloaded.
    await admin.reload();
    await admin.getByRole('row').filter({ hasText: 'Nora Quinn' }).getByText('Active', { exact: true }).waitFor();

    // The same link again, in a fresh browser: the server's reason, and a way to sign in.
    const again = await (await browser.newContext()).newPage();
    await again.goto(link);
    await again.getByRole('alert').filter({ hasText: 'already been used' }).waitFor();
    await again.getByRole('link', { name: 'Go to sign-in' }).waitFor();
    await axe(again, 'spent invitation link');
    await adminContext.close();
    await invitee.close();
  });
});
