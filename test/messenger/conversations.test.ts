// The visitor's past conversations and "new conversation" (issue 14, continuity).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERSATIONS_PAGE_SIZE } from '../../protocol/limits.js';
import type { VisitorConversation } from '../../protocol/messenger.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { blockContact } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, newClientId, type Visitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

type ListAck = { ok: true; conversations: VisitorConversation[]; nextCursor: string | null } | { ok: false; error: { code: string } };
const list = (v: Visitor, payload: unknown = {}) => v.socket.timeout(10_000).emitWithAck('conversations:list', payload as never) as Promise<ListAck>;
const sendNew = (v: Visitor, body: string, extra: Record<string, unknown> = { newConversation: true }) =>
  v.socket.timeout(10_000).emitWithAck('message:send', { clientId: newClientId(), body, ...extra } as never);

describe('past conversations and new conversation', () => {
  it('starts a new conversation with a message, lists only the visitor\'s own, newest first, paged', async () => {
    const v = await connectVisitor(server.url);
    const first = await v.send('first question');
    if (!first.ok) throw new Error(first.error.code);
    const again = await v.send('same conversation');
    expect(again.ok && again.message.conversationId).toBe(first.message.conversationId);
    const fresh = await sendNew(v, 'another topic');
    if (!fresh.ok) throw new Error(fresh.error.code);
    expect(fresh.message.conversationId).not.toBe(first.message.conversationId);
    const other = await connectVisitor(server.url);
    await other.send('not yours');
    const mine = await list(v);
    expect(mine.ok && mine.conversations.map((c) => c.id)).toEqual([fresh.message.conversationId, first.message.conversationId]);
    expect(mine.ok && mine.conversations[0]).toMatchObject({ state: 'open', title: null, createdAt: expect.any(String), lastActivityAt: expect.any(String) });
    expect(mine.ok && mine.nextCursor).toBeNull();
    // Its history still holds both conversations' messages.
    const h = await v.history(null);
    expect(h.ok && h.messages.map((m) => m.body)).toEqual(['first question', 'same conversation', 'another topic']);

    for (let i = 0; i < CONVERSATIONS_PAGE_SIZE; i++) if (!(await sendNew(other, `topic ${i}`)).ok) throw new Error('send failed');
    const page1 = await list(other);
    if (!page1.ok) throw new Error(page1.error.code);
    expect(page1.conversations).toHaveLength(CONVERSATIONS_PAGE_SIZE);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await list(other, { cursor: page1.nextCursor });
    if (!page2.ok) throw new Error(page2.error.code);
    expect(page2.conversations).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const all = [...page1.conversations, ...page2.conversations].map((c) => c.id);
    expect(new Set(all).size).toBe(CONVERSATIONS_PAGE_SIZE + 1);
    expect(all.some((id) => id === first.message.conversationId || id === fresh.message.conversationId)).toBe(false);
    v.close();
    other.close();
  });

  it('refuses a new conversation to a blocked contact and creates none', async () => {
    const v = await connectVisitor(server.url);
    const first = await v.send('before the block');
    if (!first.ok) throw new Error(first.error.code);
    const blocked = new Promise((r) => v.socket.once('contact:blocked', r));
    await blockContact(server, v.session.contact.id, 'spam');
    await blocked;
    expect(await sendNew(v, 'let me in')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    const after = await list(v);
    expect(after.ok && after.conversations.map((c) => c.id)).toEqual([first.message.conversationId]);
    v.close();
  });

  it('rejects malformed payloads with invalid_payload', async () => {
    const v = await connectVisitor(server.url);
    const first = await v.send('hello');
    if (!first.ok) throw new Error(first.error.code);
    expect(await sendNew(v, 'x', { newConversation: true, conversationId: first.message.conversationId })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await sendNew(v, 'x', { newConversation: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await list(v, { cursor: 'c'.repeat(5000) })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await list(v, 'nope')).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // A cursor it did not get is no way into others' conversations: an empty page at most.
    const forged = await list(v, { cursor: Buffer.from('999999999').toString('base64url') });
    expect(forged.ok && forged.conversations.every((c) => c.id === first.message.conversationId)).toBe(true);
    v.close();
  });

  it('counts listing against the history limit of the socket', async () => {
    const limited = await startServer({ rateLimits: { ...NO_RATE_LIMITS, historyPerConnection: { points: 2, seconds: 60 } } });
    try {
      const v = await connectVisitor(limited.url);
      expect(await v.history(null)).toMatchObject({ ok: true });
      expect(await list(v)).toMatchObject({ ok: true });
      expect(await list(v)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect(await v.socket.timeout(10_000).emitWithAck('history:fetch', { before: '0'.repeat(24) })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      v.close();
    } finally {
      await limited.close();
    }
  });
});
