// Read receipts over real sockets: an agent opening a conversation makes the visitor's
// message "seen" live (and after a reconnect, through history); the visitor's reads reach the
// console live and with the conversation; nothing is written per message sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { ask, connectAgent, createAgent, nextEvent, signIn, type AgentSocket } from '../support/agent.js';

describe('read receipts', () => {
  let server: TestServer;
  let agent: AgentSocket;

  beforeAll(async () => {
    server = await startServer();
    await createAgent(server, 'reader@example.com');
    agent = await connectAgent(server, (await signIn(server, 'reader@example.com')).cookie);
  });

  afterAll(async () => {
    agent?.close();
    await server?.close();
  });

  it("an agent opening the conversation marks the visitor's message seen, live and after a reconnect", async () => {
    const v = await connectVisitor(server.url);
    const sent = await v.send('Is anyone reading this?');
    if (!sent.ok) throw new Error(sent.error.message);
    const before = await v.history(null);
    expect(before).toMatchObject({ ok: true, seenId: null });
    const seen = v.next('conversation:seen');
    const opened = await ask(agent, 'conversation:open', { conversationId: sent.message.conversationId });
    expect(opened).toMatchObject({ ok: true, visitorRead: null });
    expect(await seen).toEqual({ conversationId: sent.message.conversationId, messageId: sent.message.id });
    const again = await connectVisitor(server.url, { visitorToken: v.session.visitorToken });
    expect(await again.history(null)).toMatchObject({ ok: true, seenId: sent.message.id });
    v.close();
    again.close();
  });

  it("the visitor's reads reach the console live and with the conversation; foreign or stale reads are dropped", async () => {
    const v = await connectVisitor(server.url);
    const other = await connectVisitor(server.url);
    const sent = await v.send('hello');
    const theirs = await other.send('not yours');
    if (!sent.ok || !theirs.ok) throw new Error('send failed');
    const conversationId = sent.message.conversationId;
    const reply = await ask(agent, 'conversation:reply', { conversationId, body: 'Hi! How can we help?', clientId: 'receipt-reply-1' });
    if (!reply.ok) throw new Error(reply.error.message);
    const live = nextEvent(agent, 'visitor:read', (p) => p.conversationId === conversationId);
    // Someone else's message id first: dropped, so the first event is the real read.
    other.socket.emit('read', { messageId: sent.message.id });
    v.socket.emit('read', { messageId: theirs.message.id });
    v.socket.emit('read', { messageId: reply.message.id });
    expect(await live).toMatchObject({ conversationId, contactId: v.session.contact.id, messageId: reply.message.id, readAt: expect.any(String) });
    expect(await ask(agent, 'conversation:open', { conversationId })).toMatchObject({ ok: true, visitorRead: { messageId: reply.message.id } });
    expect(await server.parley.core.receipts.visitorPosition(theirs.message.conversationId)).toBeNull();
    v.close();
    other.close();
  });
});
