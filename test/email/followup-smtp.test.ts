// Email follow-up over real SMTP: a visitor leaves an address and goes; agent replies are
// batched into one email that an in-process SMTP server receives, with the text, a link back
// to the page and an unsubscribe link that works as a plain GET. Blocked contacts and
// visitors still in the messenger get nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailSettingsFromEnv } from '../../server/config.js';
import { startServer, type TestServer } from '../support/server.js';
import { blockContact, http, newAdmin } from '../support/api.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';
import { startSmtp } from '../support/smtp.js';

describe('email follow-up over SMTP', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    const email = emailSettingsFromEnv({ SMTP_URL: smtp.url, PARLEY_EMAIL_POLL_MS: '50', PARLEY_EMAIL_DELAY_SECONDS: '0.4', PARLEY_EMAIL_FROM: 'Northwind <help@northwind.test>' }, ':memory:');
    server = await startServer({ email });
    admin = await newAdmin(server, 'Grace');
  });

  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  /** A visitor who wrote once and left an address; still connected unless closed. */
  async function visitorWithAddress(address: string): Promise<Visitor & { conversationId: string }> {
    const v = await connectVisitor(server.url);
    expect(v.session.followup).toMatchObject({ subscribed: false, promptAfterSeconds: 120 });
    const sent = await v.send('Where is my order?');
    if (!sent.ok) throw new Error(sent.error.message);
    const ack = await v.socket.emitWithAck('followup:subscribe', { email: address, pageUrl: 'https://shop.test/orders/42?x=1', locale: 'en-GB' });
    expect(ack).toEqual({ ok: true });
    return Object.assign(v, { conversationId: sent.message.conversationId });
  }

  const reply = (conversationId: string, text: string) =>
    http(server, 'POST', `/v2/conversations/${conversationId}/reply`, { body: { type: 'admin', id: admin, messageType: 'reply', bodyMarkdown: text } });

  it('refuses a malformed address and says the address is on file at the next connect', async () => {
    const v = await connectVisitor(server.url);
    expect(await v.socket.emitWithAck('followup:subscribe', { email: 'not an address' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await v.socket.emitWithAck('followup:subscribe', { email: 'a@b.test', pageUrl: 'javascript:alert(1)' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await v.socket.emitWithAck('followup:subscribe', { email: 'a@b.test' })).toEqual({ ok: true });
    const again = await connectVisitor(server.url, { visitorToken: v.session.visitorToken });
    expect(again.session.followup.subscribed).toBe(true);
    v.close();
    again.close();
  });

  it('batches replies to a visitor who left into one email with the text, the page and a working unsubscribe link', async () => {
    const v = await visitorWithAddress('ada@example.com');
    v.close();
    expect((await reply(v.conversationId, 'It left our warehouse on **Monday**.')).status).toBe(201);
    expect((await reply(v.conversationId, 'Tracking: https://track.test/42')).status).toBe(201);
    const mail = await smtp.next();
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.header('Subject')).toBe('2 new replies to your message');
    expect(mail.header('From')).toBe('Northwind <help@northwind.test>');
    expect(mail.text).toContain('Grace:\nIt left our warehouse on **Monday**.');
    expect(mail.text).toContain('Tracking: https://track.test/42');
    expect(mail.text).toContain('Continue the conversation: https://shop.test/orders/42?x=1');
    const link = /Stop these emails: (\S+)/.exec(mail.text)![1];
    expect(link.startsWith(`${server.url}/email/unsubscribe?token=u1.`)).toBe(true);
    expect(mail.header('List-Unsubscribe')).toBe(`<${link}>`);
    expect(mail.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    const forged = await fetch(link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA'));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('invalid or has expired');
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('You are unsubscribed');
    expect((await server.parley.core.followups.get(v.session.contact.id))?.unsubscribedAt).toEqual(expect.any(String));
    // RFC 8058 one-click, as a mail client sends it: a form POST to the same link.
    const oneClick = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
  });

  it('emails nobody who is blocked or still in the messenger', async () => {
    const blocked = await visitorWithAddress('blocked@example.com');
    blocked.close();
    const present = await visitorWithAddress('present@example.com');
    const away = await visitorWithAddress('away@example.com');
    away.close();
    expect((await blockContact(server, blocked.session.contact.id, 'abuse')).status).toBe(200);
    // Replies in this order: any email to the first two would arrive before the third's.
    await reply(blocked.conversationId, 'to the blocked contact');
    await reply(present.conversationId, 'to the visitor who is still here');
    await reply(away.conversationId, 'to the visitor who left');
    const mail = await smtp.next();
    expect(mail.to).toEqual(['away@example.com']);
    expect(mail.header('Subject')).toBe('New reply to your message');
    // Both were handled (dropped: blocked; seen: present) without an email being sent.
    for (const id of [blocked.session.contact.id, present.session.contact.id]) {
      await expect.poll(async () => (await server.parley.core.followups.get(id))?.dueAt).toBeNull();
      expect((await server.parley.core.followups.get(id))?.lastSentAt).toBeNull();
    }
    expect(smtp.inbox.map((m) => m.to[0])).not.toContain('blocked@example.com');
    expect(smtp.inbox.map((m) => m.to[0])).not.toContain('present@example.com');
    present.close();
  });

  it('a blocked contact cannot leave an address', async () => {
    const v = await connectVisitor(server.url);
    await v.send('hello');
    expect((await blockContact(server, v.session.contact.id)).status).toBe(200);
    expect(await v.socket.emitWithAck('followup:subscribe', { email: 'x@example.com' })).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    v.close();
  });
});
