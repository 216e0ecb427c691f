import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_LENGTH, MAX_SOCKET_PAYLOAD_BYTES } from '../../protocol/limits.js';
import { newAdmin, sdk } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('message:send', () => {
  it('stores a message and acks it with its id and conversation', async () => {
    const v = await connectVisitor(server.url);
    const ack = await v.send('Hello there', 'k-1');
    expect(ack).toMatchObject({ ok: true, message: { body: 'Hello there', clientId: 'k-1', messageType: 'reply', author: { type: 'lead', id: v.session.contact.id } } });
    if (!ack.ok) return;
    const conv = await sdk(server).support.conversations.retrieve(ack.message.conversationId);
    expect(conv.conversationParts!.map((p) => p.id)).toEqual([ack.message.id]);
    v.close();
  });

  it('never stores a second message for a resent clientId', async () => {
    const v = await connectVisitor(server.url);
    const [a, b, c] = await Promise.all([v.send('once', 'dup'), v.send('once', 'dup'), v.send('once', 'dup')]);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(new Set([a.message.id, b.message.id, c.message.id]).size).toBe(1);
    const history = await v.history(null);
    expect(history.ok && history.messages.filter((m) => m.clientId === 'dup')).toHaveLength(1);
    v.close();
  });

  it('pushes message:new to the contact\'s other tabs and to no one else', async () => {
    const tab1 = await connectVisitor(server.url);
    const tab2 = await connectVisitor(server.url, { visitorToken: tab1.session.visitorToken });
    const stranger = await connectVisitor(server.url);
    let strangerGot = 0;
    stranger.socket.on('message:new', () => strangerGot++);
    const pushed = tab2.next('message:new');
    const ack = await tab1.send('from tab 1');
    const msg = await pushed;
    expect(ack.ok && msg.id).toBe(ack.ok ? ack.message.id : '');
    // A round trip on the stranger's socket after the push proves nothing was queued for it.
    await stranger.history(null);
    expect(strangerGot).toBe(0);
    for (const v of [tab1, tab2, stranger]) v.close();
  });

  it('delivers agent replies live, but never internal notes', async () => {
    const v = await connectVisitor(server.url);
    const ack = await v.send('question');
    if (!ack.ok) throw new Error('send failed');
    const received: string[] = [];
    v.socket.on('message:new', (m) => received.push(m.body));
    const fb = sdk(server);
    const adminId = await newAdmin(server);
    const reply = v.next('message:new');
    await fb.support.conversations.reply(ack.message.conversationId, { type: 'admin', id: adminId, bodyMarkdown: 'secret note', messageType: 'note' });
    await fb.support.conversations.reply(ack.message.conversationId, { type: 'admin', id: adminId, bodyMarkdown: 'answer', messageType: 'reply' });
    expect((await reply).body).toBe('answer');
    expect(received).toEqual(['answer']);
    v.close();
  });

  it('answers invalid payloads, overlong bodies and foreign conversations with error acks, storing nothing', async () => {
    const v = await connectVisitor(server.url);
    const other = await connectVisitor(server.url);
    const otherAck = await other.send('private');
    if (!otherAck.ok) throw new Error('send failed');
    const emit = (payload: unknown) => v.socket.timeout(5000).emitWithAck('message:send', payload as never);
    for (const bad of [null, 42, 'text', [], {}, { body: 'x' }, { clientId: 'a' }, { clientId: 5, body: 'x' }, { clientId: 'a', body: { $gt: '' } }, { clientId: 'x'.repeat(65), body: 'x' }, { clientId: 'a', body: 'x', conversationId: 'abc' }]) {
      expect(await emit(bad)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(await emit({ clientId: 'e', body: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await emit({ clientId: 'long', body: 'x'.repeat(MAX_BODY_LENGTH + 1) })).toMatchObject({ ok: false, error: { code: 'message_too_long' } });
    expect(await emit({ clientId: 'max', body: 'x'.repeat(MAX_BODY_LENGTH) })).toMatchObject({ ok: true });
    expect(await emit({ clientId: 'f', body: 'x', conversationId: otherAck.message.conversationId })).toMatchObject({ ok: false, error: { code: 'conversation_not_found' } });
    const history = await v.history(null);
    expect(history.ok && history.messages.map((m) => m.clientId)).toEqual(['max']);
    v.close();
    other.close();
  });

  it('survives sends without an ack, unknown events and oversize packets', async () => {
    const v = await connectVisitor(server.url);
    (v.socket as any).emit('message:send', { clientId: 'noack', body: 'fire and forget' });
    (v.socket as any).emit('no:such:event', { a: 1 });
    (v.socket as any).emit('__proto__', { polluted: true });
    const big = io(`${server.url}/messenger`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { visitorToken: v.session.visitorToken } });
    await new Promise((r) => big.once('session', r));
    const closed = new Promise((r) => big.once('disconnect', r));
    big.emit('message:send' as never, { clientId: 'big', body: 'x'.repeat(MAX_SOCKET_PAYLOAD_BYTES * 2) } as never);
    await closed;
    const ack = await v.send('still here');
    expect(ack.ok).toBe(true);
    const history = await v.history(null);
    expect(history.ok && history.messages.map((m) => m.clientId)).toEqual(['noack', ack.ok ? ack.message.clientId : '']);
    expect(({} as any).polluted).toBeUndefined();
    v.close();
  });
});

describe('message:new to the sender', () => {
  it('is not echoed to the sending tab, which has its ack', async () => {
    const tab1 = await connectVisitor(server.url);
    const tab2 = await connectVisitor(server.url, { visitorToken: tab1.session.visitorToken });
    let echoed = 0;
    tab1.socket.on('message:new', () => echoed++);
    const other = tab2.next('message:new');
    await tab1.send('only once');
    await other;
    await tab1.history(null);
    expect(echoed).toBe(0);
    tab1.close();
    tab2.close();
  });
});
