import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHash } from '../../server/realtime/identity.js';
import { blockContact, sdk, unblockContact } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('a blocked visitor on an open socket', () => {
  it('receives contact:blocked on every tab, reads history, can send nothing, and recovers on unblock', async () => {
    const tab1 = await connectVisitor(server.url);
    const tab2 = await connectVisitor(server.url, { visitorToken: tab1.session.visitorToken });
    const id = tab1.session.contact.id;
    const before = await tab1.send('before');
    expect(before.ok).toBe(true);

    const pushes = [tab1.next('contact:blocked'), tab2.next('contact:blocked')];
    const res = await blockContact(server, id, 'spam');
    expect(res.status).toBe(200);
    expect(await Promise.all(pushes)).toEqual([{ contactId: id }, { contactId: id }]);

    expect(await tab1.send('after')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    expect(await tab2.send('after', undefined, before.ok ? before.message.conversationId : undefined)).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    const history = await tab2.history(null);
    expect(history.ok && history.messages.map((m) => m.body)).toEqual(['before']);

    const unblocked = [tab1.next('contact:unblocked'), tab2.next('contact:unblocked')];
    await unblockContact(server, id);
    expect(await Promise.all(unblocked)).toEqual([{ contactId: id }, { contactId: id }]);
    expect(await tab2.send('back again')).toMatchObject({ ok: true });
    tab1.close();
    tab2.close();
  });

  it('tells a blocked contact it is blocked in the session when it connects, and keeps the conversation', async () => {
    const v = await connectVisitor(server.url, { userId: 'blocked-cust', userHash: userHash('blocked-cust', server.secret) });
    const ack = await v.send('kept');
    v.close();
    await blockContact(server, v.session.contact.id);
    const again = await connectVisitor(server.url, { userId: 'blocked-cust', userHash: userHash('blocked-cust', server.secret) });
    expect(again.session.contact).toMatchObject({ id: v.session.contact.id, blocked: true, type: 'customer' });
    expect(await again.send('nope')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    const history = await again.history(null);
    expect(history.ok && history.messages.map((m) => m.body)).toEqual(['kept']);
    const conv = await sdk(server).support.conversations.retrieve(ack.ok ? ack.message.conversationId : '');
    expect(conv).toMatchObject({ isBlocked: true });
    again.close();
  });

  it('does not push a second contact:blocked for an idempotent block', async () => {
    const v = await connectVisitor(server.url);
    let pushes = 0;
    v.socket.on('contact:blocked', () => pushes++);
    const first = v.next('contact:blocked');
    await blockContact(server, v.session.contact.id);
    await first;
    await blockContact(server, v.session.contact.id);
    await v.history(null);
    expect(pushes).toBe(1);
    v.close();
  });
});
