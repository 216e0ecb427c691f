import { describe, expect, it } from 'vitest';
import type { Store } from '../../../server/store/store.js';
import { storePerTest, type Backend } from './backend.js';

/** Conversations and messages: the append path (block check, idempotency, batches), history, the inbox and read markers. Run on every backend unchanged. */
export function runConversationsContract(backend: Backend) {
  describe(`conversations repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    const lead = () => db().contacts.create({ type: 'lead' });
    const send = (authorId: string, body: string, extra: Partial<Parameters<Store['conversations']['appendMessage']>[0]> = {}) =>
      db().conversations.appendMessage({ authorType: 'lead', authorId, body, messageType: 'reply', ...extra });
    const agent = (email: string, role: 'admin' | 'agent' = 'agent') =>
      db().agents.create({ email, name: email.split('@')[0], role, passwordHash: `scrypt$test$${email}` });
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();
    const say = (contactId: string, body: string, minute: number, extra: Record<string, unknown> = {}) =>
      db().conversations.appendMessage({ authorType: 'lead', authorId: contactId, body, messageType: 'reply', createdAt: at(minute), ...extra });
    const conversationOf = async (r: Awaited<ReturnType<Store['conversations']['appendMessage']>>) => {
      if (r.status !== 'stored') throw new Error(`not stored: ${r.status}`);
      return r.conversation.id;
    };

    it('appends to the latest open conversation, or starts one', async () => {
      const c = await lead();
      const a = await send(c.id, 'hello');
      expect(a.status).toBe('stored');
      if (a.status !== 'stored') return;
      expect(a.createdConversation).toBe(true);
      expect(a.conversation.contactId).toBe(c.id);
      expect(a.conversation.id).toMatch(/^[1-9][0-9]*$/);
      const b = await send(c.id, 'again');
      expect(b.status === 'stored' && b.conversation.id).toBe(a.conversation.id);
      const fresh = await send(c.id, 'new topic', { newConversation: true });
      expect(fresh.status === 'stored' && fresh.conversation.id).not.toBe(a.conversation.id);
      expect((await db().contacts.get(c.id))?.lastActivity).toBeTruthy();
    });
    it('refuses messages from a blocked contact and stores nothing, but admins may still reply', async () => {
      const c = await lead();
      const first = await send(c.id, 'before');
      if (first.status !== 'stored') throw new Error('expected stored');
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect((await send(c.id, 'after')).status).toBe('blocked');
      expect((await send(c.id, 'after', { conversationId: first.conversation.id })).status).toBe('blocked');
      const admin = await db().conversations.appendMessage({
        conversationId: first.conversation.id, authorType: 'admin', authorId: 'a'.repeat(24), authorName: 'Agent', body: 'noted', messageType: 'note',
      });
      expect(admin.status).toBe('stored');
      const all = await db().conversations.listMessages(first.conversation.id);
      expect(all.map((m) => m.body)).toEqual(['before', 'noted']);
      await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
      expect((await send(c.id, 'restored')).status).toBe('stored');
    });
    it('never stores a second message for the same clientId', async () => {
      const c = await lead();
      const a = await send(c.id, 'once', { clientId: 'k1' });
      const b = await send(c.id, 'once', { clientId: 'k1' });
      expect(a.status).toBe('stored');
      expect(b.status).toBe('duplicate');
      if (a.status !== 'stored' || b.status !== 'duplicate') return;
      expect(b.message.id).toBe(a.message.id);
      expect(await db().conversations.listMessages(a.conversation.id)).toHaveLength(1);
    });
    it('stores exactly one message when the same clientId races itself', async () => {
      const c = await lead();
      const results = await Promise.all(Array.from({ length: 10 }, () => send(c.id, 'race', { clientId: 'same' })));
      expect(results.filter((r) => r.status === 'stored')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(9);
    });
    it('keeps a contact to its own conversations', async () => {
      const a = await lead();
      const b = await lead();
      const first = await send(a.id, 'mine');
      if (first.status !== 'stored') throw new Error('expected stored');
      expect((await send(b.id, 'sneaky', { conversationId: first.conversation.id })).status).toBe('conversation_not_found');
      expect((await send(a.id, 'x', { conversationId: '999999' })).status).toBe('conversation_not_found');
      expect((await send('f'.repeat(24), 'ghost')).status).toBe('contact_not_found');
    });
    it('lists a contact history since a message id without gaps or duplicates, notes excluded', async () => {
      const c = await lead();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await send(c.id, `m${i}`);
        if (r.status === 'stored') ids.push(r.message.id);
      }
      const conv = (await db().conversations.list({ limit: 1, contactId: c.id })).items[0];
      await db().conversations.appendMessage({ conversationId: conv.id, authorType: 'admin', authorId: 'a'.repeat(24), body: 'secret', messageType: 'note' });
      const latest = await db().conversations.listContactMessages(c.id, { limit: 4 });
      expect(latest.messages.map((m) => m.body)).toEqual(['m2', 'm3', 'm4', 'm5']);
      expect(latest.hasMore).toBe(true);
      const since = await db().conversations.listContactMessages(c.id, { since: ids[1], limit: 3 });
      expect(since.messages.map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
      expect(since.hasMore).toBe(true);
      const rest = await db().conversations.listContactMessages(c.id, { since: since.messages[2].id, limit: 3 });
      expect(rest.messages.map((m) => m.body)).toEqual(['m5']);
      expect(rest.hasMore).toBe(false);
    });
    it('updates, pages and deletes conversations; deleting a contact removes its conversations', async () => {
      const c = await lead();
      const convIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await send(c.id, `t${i}`, { newConversation: true });
        if (r.status === 'stored') convIds.push(r.conversation.id);
      }
      const page1 = await db().conversations.list({ limit: 2 });
      expect(page1.items.map((x) => x.id)).toEqual([convIds[2], convIds[1]]);
      const page2 = await db().conversations.list({ limit: 2, cursor: page1.nextCursor });
      expect(page2.items.map((x) => x.id)).toEqual([convIds[0]]);
      const closed = await db().conversations.update(convIds[0], { state: 'closed', title: 'Done' });
      expect(closed).toMatchObject({ state: 'closed', title: 'Done' });
      expect(await db().conversations.update('987654', { state: 'open' })).toBeNull();
      expect(await db().conversations.delete(convIds[0])).toBe(true);
      expect(await db().conversations.get(convIds[0])).toBeNull();
      expect(await db().contacts.delete(c.id)).toBe(true);
      expect(await db().conversations.get(convIds[1])).toBeNull();
      expect(await db().contacts.delete(c.id)).toBe(false);
    });
    it('a contact message reopens its closed conversation', async () => {
      const c = await lead();
      const r = await send(c.id, 'hi');
      if (r.status !== 'stored') throw new Error('expected stored');
      await db().conversations.update(r.conversation.id, { state: 'closed' });
      const again = await send(c.id, 'back', { conversationId: r.conversation.id });
      expect(again.status === 'stored' && again.conversation.state).toBe('open');
    });
    it('serialises concurrent sends with a block: every send after the block commits is refused', async () => {
      const c = await lead();
      const sends: Promise<{ r: Awaited<ReturnType<Store['conversations']['appendMessage']>>; afterBlock: boolean }>[] = [];
      let blocked = false;
      for (let i = 0; i < 40; i++) {
        const afterBlock = blocked;
        sends.push(send(c.id, `s${i}`, { clientId: `c${i}` }).then((r) => ({ r, afterBlock })));
        if (i === 20) await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' }).then(() => { blocked = true; });
      }
      const results = await Promise.all(sends);
      for (const { r, afterBlock } of results) if (afterBlock) expect(r.status).toBe('blocked');
      const stored = results.filter(({ r }) => r.status === 'stored').length;
      const history = await db().conversations.listContactMessages(c.id, { limit: 100 });
      expect(history.messages).toHaveLength(stored);
    });
    it('lists the inbox by last activity, newest first, with contact and last message (notes included), paged', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await db().contacts.create({ type: 'lead', name: `Visitor ${i}` });
        ids.push(await conversationOf(await say(c.id, `hello ${i}`, i)));
      }
      // Activity moves conversation 0 to the top; a note counts as activity too.
      await db().conversations.appendMessage({ authorType: 'admin', authorId: 'f'.repeat(24), conversationId: ids[0], body: 'internal', messageType: 'note', createdAt: at(10) });
      const first = await db().conversations.listInbox({ limit: 3 });
      expect(first.items.map((r) => r.conversation.id)).toEqual([ids[0], ids[3], ids[2]]);
      expect(first.items[0].contact.name).toBe('Visitor 0');
      expect(first.items[0].lastMessage).toMatchObject({ body: 'internal', messageType: 'note', authorType: 'admin' });
      expect(first.items[1].lastMessage?.body).toBe('hello 3');
      expect(first.nextCursor).toBeTruthy();
      const second = await db().conversations.listInbox({ limit: 3, cursor: first.nextCursor });
      expect(second.items.map((r) => r.conversation.id)).toEqual([ids[1]]);
      expect(second.nextCursor).toBeNull();
    });
    it('filters the inbox by state, by blocked contact, and by name or email substring in any case', async () => {
      const ann = await db().contacts.create({ type: 'customer', userId: 'u1', name: 'Ann Lee', email: 'ann@shop.test' });
      const bo = await db().contacts.create({ type: 'lead', name: 'Bo 100%', email: 'bo@else.test' });
      const annConv = await conversationOf(await say(ann.id, 'a', 1));
      const boConv = await conversationOf(await say(bo.id, 'b', 2));
      await db().conversations.update(annConv, { state: 'closed' });
      await db().contacts.setBlocked({ contactId: bo.id, blocked: true, actorType: 'api' });
      const ids = async (q: Partial<Parameters<Store['conversations']['listInbox']>[0]>) => (await db().conversations.listInbox({ limit: 10, ...q })).items.map((r) => r.conversation.id);
      expect(await ids({ state: 'open' })).toEqual([boConv]);
      expect(await ids({ state: 'closed' })).toEqual([annConv]);
      expect(await ids({ blocked: true })).toEqual([boConv]);
      expect(await ids({ blocked: false })).toEqual([annConv]);
      expect(await ids({ search: 'LEE' })).toEqual([annConv]);
      expect(await ids({ search: 'shop.TEST' })).toEqual([annConv]);
      expect(await ids({ search: '100%' })).toEqual([boConv]);
      // % and _ are literal, not wildcards.
      expect(await ids({ search: '%' })).toEqual([boConv]);
      expect(await ids({ search: 'a_n' })).toEqual([]);
      expect((await db().conversations.listInbox({ limit: 10, blocked: true })).items[0].contact.blocked).toBe(true);
      // A block past its expiry is no block: Ann's just-expired block leaves her in "not blocked".
      await db().contacts.setBlocked({ contactId: ann.id, blocked: true, actorType: 'api', blockedUntil: new Date(Date.now() - 1000).toISOString() });
      expect(await ids({ blocked: true })).toEqual([boConv]);
      expect(await ids({ blocked: false })).toEqual([annConv]);
    });
    it('counts unread contact messages per agent until that agent marks the conversation read', async () => {
      const a = await agent('a@example.com');
      const b = await agent('b@example.com');
      const c = await db().contacts.create({ type: 'lead' });
      const conv = await conversationOf(await say(c.id, 'one', 1));
      await say(c.id, 'two', 2);
      // Agents' own replies are never unread.
      await db().conversations.appendMessage({ authorType: 'admin', authorId: a.id, conversationId: conv, body: 'hi', messageType: 'reply', createdAt: at(3) });
      const unread = async (agentId: string) => (await db().conversations.listInbox({ limit: 10, agentId })).items[0].unread;
      expect(await unread(a.id)).toBe(2);
      await db().conversations.markRead(a.id, conv);
      expect(await unread(a.id)).toBe(0);
      expect(await unread(b.id)).toBe(2);
      await say(c.id, 'three', 4);
      expect(await unread(a.id)).toBe(1);
      await db().conversations.markRead(a.id, conv);
      await db().conversations.markRead(a.id, conv);
      expect(await unread(a.id)).toBe(0);
      // Unknown conversations are ignored.
      await db().conversations.markRead(a.id, '999999');
    });

    it('stores every part type with its author name, alone and in a batch of concurrent appends', async () => {
      const c = await lead();
      const first = await send(c.id, 'opening');
      if (first.status !== 'stored') throw new Error(first.status);
      const conversationId = first.conversation.id;
      const parts = (['reply', 'note'] as const).flatMap((messageType) => [
        { authorType: 'admin' as const, authorId: 'a'.repeat(24), authorName: 'Grace', messageType },
        { authorType: 'lead' as const, authorId: c.id, authorName: 'Visitor', messageType },
      ]);
      // Issued together, so the visitors' appends share a group-commit batch.
      const results = await Promise.all(parts.map((p, i) => db().conversations.appendMessage({ ...p, conversationId, body: `part ${i}`, clientId: `p${i}` })));
      expect(results.map((r) => r.status)).toEqual(parts.map(() => 'stored'));
      const stored = await db().conversations.listMessages(conversationId);
      const byBody = new Map(stored.map((m) => [m.body, m]));
      parts.forEach((p, i) => expect(byBody.get(`part ${i}`)).toMatchObject({ authorType: p.authorType, authorName: p.authorName, messageType: p.messageType }));
      expect((await db().conversations.listMessages(conversationId, { includeNotes: false })).map((m) => m.messageType)).not.toContain('note');
    });

    it('writes the message event to the outbox with the append when asked to, in a batch too', async () => {
      const c = await lead();
      const results = await Promise.all([0, 1, 2].map((i) => send(c.id, `e${i}`, { clientId: `e${i}`, recordEvent: i !== 1 })));
      expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
      const events = await db().webhooks.claimEvents(new Date().toISOString(), new Date(Date.now() + 60_000).toISOString(), 10);
      expect(events.map((e) => e.event.type === 'message:created' && e.event.message.body).sort()).toEqual(['e0', 'e2']);
      // A refused append records nothing.
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect((await send(c.id, 'no', { recordEvent: true })).status).toBe('blocked');
      expect(await db().webhooks.countEvents()).toBe(2);
    });
  });
}
