// Assignment over the /agents socket: assign to me, to a teammate, unassign; every console
// hears it live with the timeline event; the inbox filters Mine and Unassigned; state changes
// and assignments are the conversation's timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, connectAgent, createAgent, nextEvent, signIn, type AgentSocket } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
let ada: AgentSocket;
let bob: AgentSocket;
let adaId: string;
let bobId: string;
let conversationId: string;
let other: string;

beforeAll(async () => {
  server = await startServer();
  adaId = (await createAgent(server, 'ada@example.com', 'admin', 'Ada')).id;
  bobId = (await createAgent(server, 'bob@example.com', 'agent', 'Bob')).id;
  ada = await connectAgent(server, (await signIn(server, 'ada@example.com')).cookie);
  bob = await connectAgent(server, (await signIn(server, 'bob@example.com')).cookie);
  for (const name of ['Carla', 'Dan']) {
    const v = await connectVisitor(server.url, { name });
    const sent = await v.send(`Hello from ${name}`);
    if (!sent.ok) throw new Error(sent.error.code);
    if (name === 'Carla') conversationId = sent.message.conversationId;
    else other = sent.message.conversationId;
    v.close();
  }
});
afterAll(async () => {
  ada.close();
  bob.close();
  await server.close();
});

const ids = async (socket: AgentSocket, assignee?: 'me' | 'unassigned') => {
  const res = await ask(socket, 'inbox:list', assignee ? { assignee } : {});
  if (!res.ok) throw new Error(res.error.code);
  return res.items.map((i) => i.conversation.id).sort();
};

describe('conversation assignment', () => {
  it('assigns to oneself; the other agent hears it live with the timeline event', async () => {
    const heard = nextEvent(bob, 'conversation:updated', (p) => p.conversation.id === conversationId);
    const res = await ask(ada, 'conversation:assign', { conversationId, assigneeId: adaId });
    expect(res).toMatchObject({ ok: true, conversation: { id: conversationId, assigneeId: adaId } });
    const pushed = await heard;
    expect(pushed.conversation.assigneeId).toBe(adaId);
    expect(pushed.timeline).toEqual([
      expect.objectContaining({ kind: 'assigned', actorType: 'admin', actorId: adaId, actorName: 'Ada', assigneeId: adaId, assigneeName: 'Ada' }),
    ]);
  });

  it('filters the inbox by Mine and Unassigned for each agent', async () => {
    expect(await ids(ada, 'me')).toEqual([conversationId]);
    expect(await ids(bob, 'me')).toEqual([]);
    expect(await ids(bob, 'unassigned')).toEqual([other]);
    expect(await ids(bob)).toEqual([conversationId, other].sort());
  });

  it('hands over to a teammate and unassigns; an unknown or malformed assignee is refused with catalog errors', async () => {
    expect(await ask(ada, 'conversation:assign', { conversationId, assigneeId: bobId })).toMatchObject({ ok: true, conversation: { assigneeId: bobId } });
    expect(await ids(bob, 'me')).toEqual([conversationId]);
    expect(await ask(bob, 'conversation:assign', { conversationId, assigneeId: null })).toMatchObject({ ok: true, conversation: { assigneeId: null } });
    expect(await ask(bob, 'conversation:assign', { conversationId, assigneeId: 'f'.repeat(24) })).toMatchObject({ ok: false, error: { code: 'admin_not_found' } });
    expect(await ask(bob, 'conversation:assign', { conversationId, assigneeId: 'nope' } as never)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await ask(bob, 'conversation:assign', { conversationId: '999999', assigneeId: null })).toMatchObject({ ok: false, error: { code: 'conversation_not_found' } });
  });

  it('keeps assignments and state changes in the conversation timeline, oldest first, with who did them', async () => {
    expect((await ask(bob, 'conversation:close', { conversationId })).ok).toBe(true);
    expect((await ask(ada, 'conversation:reopen', { conversationId })).ok).toBe(true);
    const opened = await ask(bob, 'conversation:open', { conversationId });
    if (!opened.ok) throw new Error(opened.error.code);
    expect(opened.timeline.map((e) => [e.kind, e.actorName, e.assigneeName])).toEqual([
      ['assigned', 'Ada', 'Ada'],
      ['assigned', 'Ada', 'Bob'],
      ['unassigned', 'Bob', null],
      ['closed', 'Bob', null],
      ['reopened', 'Ada', null],
    ]);
    // Assigning to whom it already is makes no event.
    await ask(ada, 'conversation:assign', { conversationId, assigneeId: null });
    const again = await ask(bob, 'conversation:open', { conversationId });
    expect(again.ok && again.timeline.length).toBe(5);
  });
});
