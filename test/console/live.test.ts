import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blockContact } from '../support/api.js';
import { ask, connectAgent, createAgent, nextEvent, signIn, type AgentSocket } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, newClientId, type Visitor } from '../support/visitor.js';

let server: TestServer;
let admin: AgentSocket;
let agent: AgentSocket;
const open: { close(): void }[] = [];

beforeAll(async () => {
  server = await startServer();
  await createAgent(server, 'ada@example.com', 'admin', 'Ada');
  await createAgent(server, 'bob@example.com', 'agent', 'Bob');
  admin = await connectAgent(server, (await signIn(server, 'ada@example.com')).cookie);
  agent = await connectAgent(server, (await signIn(server, 'bob@example.com')).cookie);
});
afterEach(() => open.splice(0).forEach((s) => s.close()));
afterAll(async () => {
  admin.close();
  agent.close();
  await server.close();
});

async function visitorWithConversation(name: string, body = 'Hello?') {
  const v: Visitor = await connectVisitor(server.url, { name, email: `${name.toLowerCase()}@visitors.test` });
  open.push(v);
  const sent = await v.send(body);
  if (!sent.ok) throw new Error(sent.error.code);
  return { v, conversationId: sent.message.conversationId, contactId: v.session.contact.id };
}

describe('live console', () => {
  it('pushes a visitor message to every agent socket, and lists it in the inbox as unread', async () => {
    const seenByAdmin = nextEvent(admin, 'message:new', (p) => p.message.body === 'Where is my order?');
    const seenByAgent = nextEvent(agent, 'message:new', (p) => p.message.body === 'Where is my order?');
    const { conversationId } = await visitorWithConversation('Carla', 'Where is my order?');
    const [a, b] = await Promise.all([seenByAdmin, seenByAgent]);
    expect(a.conversation.id).toBe(conversationId);
    expect(b.contact).toMatchObject({ name: 'Carla', email: 'carla@visitors.test', blocked: false });
    const inbox = await ask(admin, 'inbox:list', {});
    if (!inbox.ok) throw new Error(inbox.error.code);
    const row = inbox.items.find((i) => i.conversation.id === conversationId)!;
    expect(row).toMatchObject({ unread: 1, lastMessage: { body: 'Where is my order?' }, contact: { name: 'Carla' } });
    expect(inbox.items[0].conversation.id).toBe(conversationId);
    const search = await ask(admin, 'inbox:list', { search: 'CARLA@visitors' });
    expect(search.ok && search.items.map((i) => i.conversation.id)).toEqual([conversationId]);
  });

  it('delivers an agent reply to the visitor and to the other agent; opening marks it read', async () => {
    const { v, conversationId } = await visitorWithConversation('Dan');
    const toVisitor = v.next('message:new');
    const toOther = nextEvent(agent, 'message:new', (p) => p.message.body === 'On its way!');
    const reply = await ask(admin, 'conversation:reply', { conversationId, body: 'On its way!', clientId: newClientId() });
    expect(reply.ok).toBe(true);
    expect((await toVisitor).body).toBe('On its way!');
    expect((await toOther).message.author).toMatchObject({ type: 'admin', name: 'Ada' });
    const opened = await ask(agent, 'conversation:open', { conversationId });
    if (!opened.ok) throw new Error(opened.error.code);
    expect(opened.messages.map((m) => m.body)).toEqual(['Hello?', 'On its way!']);
    expect(opened.contact.contact.name).toBe('Dan');
    const inbox = await ask(agent, 'inbox:list', {});
    expect(inbox.ok && inbox.items.find((i) => i.conversation.id === conversationId)?.unread).toBe(0);
  });

  it('closes and reopens a conversation, live to every agent', async () => {
    const { conversationId } = await visitorWithConversation('Eve');
    const closed = nextEvent(agent, 'conversation:updated', (p) => p.conversation.id === conversationId && p.conversation.state === 'closed');
    expect((await ask(admin, 'conversation:close', { conversationId })).ok).toBe(true);
    await closed;
    const inClosed = await ask(admin, 'inbox:list', { state: 'closed' });
    expect(inClosed.ok && inClosed.items.some((i) => i.conversation.id === conversationId)).toBe(true);
    const reopened = await ask(admin, 'conversation:reopen', { conversationId });
    expect(reopened.ok && reopened.conversation.state).toBe('open');
  });

  it('relays typing both ways', async () => {
    const { v, conversationId, contactId } = await visitorWithConversation('Finn');
    const agentTyping = v.next('agent:typing');
    admin.emit('typing', { conversationId, typing: true });
    expect(await agentTyping).toMatchObject({ conversationId, typing: true, name: 'Ada' });
    const visitorTyping = nextEvent(agent, 'visitor:typing', (p) => p.contactId === contactId);
    v.socket.emit('typing', { conversationId, typing: true });
    expect(await visitorTyping).toMatchObject({ conversationId, typing: true });
  });

  it('drops typing from a blocked visitor', async () => {
    const { v, conversationId, contactId } = await visitorWithConversation('Hal');
    let seen = 0;
    const count = (p: { contactId: string }) => p.contactId === contactId && seen++;
    agent.on('visitor:typing', count);
    await blockContact(server, contactId);
    v.socket.emit('typing', { conversationId, typing: true });
    // A later, unblocked visitor's typing arrives: anything from the blocked one would be ahead of it.
    const other = await visitorWithConversation('Ivy');
    const otherTyping = nextEvent(agent, 'visitor:typing', (p) => p.contactId === other.contactId);
    other.v.socket.emit('typing', { conversationId: other.conversationId, typing: true });
    await otherTyping;
    agent.off('visitor:typing', count);
    expect(seen).toBe(0);
  });

  it('answers bad payloads with invalid_payload and unknown conversations with conversation_not_found', async () => {
    const bad = await ask(admin, 'conversation:reply', { conversationId: 'x', body: 1 } as never);
    expect(!bad.ok && bad.error.code).toBe('invalid_payload');
    const missing = await ask(admin, 'conversation:open', { conversationId: '987654' });
    expect(!missing.ok && missing.error.code).toBe('conversation_not_found');
  });
});

describe('blocking from the console', () => {
  it('refuses block and unblock from the agent role with forbidden, single and bulk', async () => {
    const { contactId } = await visitorWithConversation('Gus');
    for (const event of ['contact:block', 'contact:unblock'] as const) {
      const res = await ask(agent, event, { contactId, reason: 'no' });
      expect(!res.ok && res.error.code).toBe('forbidden');
    }
    const bulk = await ask(agent, 'contacts:block', { contactIds: [contactId] });
    expect(!bulk.ok && bulk.error.code).toBe('forbidden');
    expect((await server.parley.store.contacts.get(contactId))?.blocked).toBe(false);
  });

  it('an admin blocks with a reason: the visitor is told, every agent gets the block record, sends are refused', async () => {
    const { v, contactId } = await visitorWithConversation('Hal');
    const toVisitor = v.next('contact:blocked');
    const toAgent = nextEvent(agent, 'contact:blocked', (p) => p.contact.id === contactId);
    const res = await ask(admin, 'contact:block', { contactId, reason: 'abusive language' });
    if (!res.ok) throw new Error(res.error.code);
    expect(res.contact.blocked).toBe(true);
    expect(res.blockHistory).toEqual([expect.objectContaining({ action: 'block', actorType: 'admin', actorName: 'Ada', reason: 'abusive language' })]);
    await toVisitor;
    expect((await toAgent).event).toMatchObject({ action: 'block', actorName: 'Ada', reason: 'abusive language' });
    const refused = await v.send('let me in');
    expect(!refused.ok && refused.error.code).toBe('contact_blocked');
    const unblocked = nextEvent(agent, 'contact:unblocked', (p) => p.contact.id === contactId);
    const un = await ask(admin, 'contact:unblock', { contactId });
    expect(un.ok && un.blockHistory.map((e) => e.action)).toEqual(['block', 'unblock']);
    await unblocked;
    expect((await v.send('thanks')).ok).toBe(true);
  });

  it('reflects a block made through the REST API live, with actor api', async () => {
    const { contactId } = await visitorWithConversation('Ivy');
    const seen = nextEvent(admin, 'contact:blocked', (p) => p.contact.id === contactId);
    expect((await blockContact(server, contactId, 'chargeback')).status).toBe(200);
    expect((await seen).event).toMatchObject({ actorType: 'api', reason: 'chargeback' });
    const blockedOnly = await ask(admin, 'inbox:list', { blocked: true });
    expect(blockedOnly.ok && blockedOnly.items.map((i) => i.contact.id)).toContain(contactId);
  });

  it('bulk blocks and unblocks a selection, reporting each contact', async () => {
    const a = await visitorWithConversation('Jo');
    const b = await visitorWithConversation('Kim');
    const res = await ask(admin, 'contacts:block', { contactIds: [a.contactId, b.contactId, 'f'.repeat(24)], reason: 'spam wave' });
    if (!res.ok) throw new Error(res.error.code);
    expect(res.results).toEqual([
      { contactId: a.contactId, ok: true },
      { contactId: b.contactId, ok: true },
      { contactId: 'f'.repeat(24), ok: false, error: expect.objectContaining({ code: 'contact_not_found' }) },
    ]);
    expect((await a.v.send('x')).ok).toBe(false);
    const un = await ask(admin, 'contacts:unblock', { contactIds: [a.contactId, b.contactId] });
    expect(un.ok && un.results.every((r) => r.ok)).toBe(true);
    const list = await ask(admin, 'contacts:list', { limit: 100 });
    expect(list.ok && list.items.filter((c) => [a.contactId, b.contactId].includes(c.id)).every((c) => !c.blocked)).toBe(true);
  });
});
