import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.js';

/**
 * The contract every storage backend passes unchanged. `factory` returns a fresh,
 * empty, migrated store; `cleanup` (optional) drops what it made.
 */
export function runStoreContract(name: string, factory: () => Promise<Store>, cleanup?: (s: Store) => Promise<void>) {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await cleanup?.(store);
      await store.close();
    });

    const lead = () => store.createContact({ type: 'lead' });
    const send = (authorId: string, body: string, extra: Partial<Parameters<Store['appendMessage']>[0]> = {}) =>
      store.appendMessage({ authorType: 'lead', authorId, body, messageType: 'reply', ...extra });

    it('creates contacts with 24-hex ids and reads them back by id, userId and email', async () => {
      const c = await store.createContact({ type: 'customer', userId: 'u-1', email: 'a@example.com', name: 'Ada', customFields: { plan: 'pro' } });
      expect(c.id).toMatch(/^[0-9a-f]{24}$/);
      expect(c).toMatchObject({ type: 'customer', userId: 'u-1', email: 'a@example.com', name: 'Ada', blocked: false, blockedAt: null });
      expect(c.customFields).toEqual({ plan: 'pro' });
      expect((await store.getContact(c.id))?.name).toBe('Ada');
      expect((await store.findContactByUserId('u-1'))?.id).toBe(c.id);
      expect((await store.findContactByEmail('a@example.com'))?.id).toBe(c.id);
      expect(await store.getContact('0'.repeat(24))).toBeNull();
    });

    it('updates only the given contact fields', async () => {
      const c = await store.createContact({ type: 'lead', name: 'Old', email: 'x@example.com' });
      const u = await store.updateContact(c.id, { name: 'New', type: 'customer', userId: 'u-9' });
      expect(u).toMatchObject({ name: 'New', email: 'x@example.com', type: 'customer', userId: 'u-9' });
      expect(await store.updateContact('f'.repeat(24), { name: 'x' })).toBeNull();
    });

    it('pages contacts newest first with a cursor, filtered by type', async () => {
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await store.createContact({ type: i % 2 ? 'lead' : 'customer', name: `c${i}` }));
      const first = await store.listContacts({ type: 'all', limit: 2 });
      expect(first.items.map((c) => c.name)).toEqual(['c4', 'c3']);
      const second = await store.listContacts({ type: 'all', limit: 2, cursor: first.nextCursor });
      expect(second.items.map((c) => c.name)).toEqual(['c2', 'c1']);
      const third = await store.listContacts({ type: 'all', limit: 2, cursor: second.nextCursor });
      expect(third.items.map((c) => c.name)).toEqual(['c0']);
      expect(third.nextCursor).toBeNull();
      const customers = await store.listContacts({ type: 'customer', limit: 10 });
      expect(customers.items.map((c) => c.name)).toEqual(['c4', 'c2', 'c0']);
    });

    it('blocks and unblocks idempotently, recording each change once with actor and reason', async () => {
      const c = await lead();
      const b1 = await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', reason: 'spam' });
      expect(b1?.changed).toBe(true);
      expect(b1?.contact.blocked).toBe(true);
      expect(b1?.contact.blockedAt).toBeTruthy();
      const b2 = await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect(b2?.changed).toBe(false);
      const u = await store.setBlocked({ contactId: c.id, blocked: false, actorType: 'admin', actorId: 'a'.repeat(24) });
      expect(u?.changed).toBe(true);
      expect(u?.contact).toMatchObject({ blocked: false, blockedAt: null });
      const events = await store.listBlockEvents(c.id);
      expect(events.map((e) => [e.action, e.actorType, e.reason])).toEqual([['block', 'api', 'spam'], ['unblock', 'admin', null]]);
      expect(await store.setBlocked({ contactId: 'f'.repeat(24), blocked: true, actorType: 'api' })).toBeNull();
    });

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
      expect((await store.getContact(c.id))?.lastActivity).toBeTruthy();
    });

    it('refuses messages from a blocked contact and stores nothing, but admins may still reply', async () => {
      const c = await lead();
      const first = await send(c.id, 'before');
      if (first.status !== 'stored') throw new Error('expected stored');
      await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect((await send(c.id, 'after')).status).toBe('blocked');
      expect((await send(c.id, 'after', { conversationId: first.conversation.id })).status).toBe('blocked');
      const admin = await store.appendMessage({
        conversationId: first.conversation.id, authorType: 'admin', authorId: 'a'.repeat(24), authorName: 'Agent', body: 'noted', messageType: 'note',
      });
      expect(admin.status).toBe('stored');
      const all = await store.listMessages(first.conversation.id);
      expect(all.map((m) => m.body)).toEqual(['before', 'noted']);
      await store.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
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
      expect(await store.listMessages(a.conversation.id)).toHaveLength(1);
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
      const conv = (await store.listConversations({ limit: 1, contactId: c.id })).items[0];
      await store.appendMessage({ conversationId: conv.id, authorType: 'admin', authorId: 'a'.repeat(24), body: 'secret', messageType: 'note' });
      const latest = await store.listContactMessages(c.id, { limit: 4 });
      expect(latest.messages.map((m) => m.body)).toEqual(['m2', 'm3', 'm4', 'm5']);
      expect(latest.hasMore).toBe(true);
      const since = await store.listContactMessages(c.id, { since: ids[1], limit: 3 });
      expect(since.messages.map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
      expect(since.hasMore).toBe(true);
      const rest = await store.listContactMessages(c.id, { since: since.messages[2].id, limit: 3 });
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
      const page1 = await store.listConversations({ limit: 2 });
      expect(page1.items.map((x) => x.id)).toEqual([convIds[2], convIds[1]]);
      const page2 = await store.listConversations({ limit: 2, cursor: page1.nextCursor });
      expect(page2.items.map((x) => x.id)).toEqual([convIds[0]]);
      const closed = await store.updateConversation(convIds[0], { state: 'closed', title: 'Done' });
      expect(closed).toMatchObject({ state: 'closed', title: 'Done' });
      expect(await store.updateConversation('987654', { state: 'open' })).toBeNull();
      expect(await store.deleteConversation(convIds[0])).toBe(true);
      expect(await store.getConversation(convIds[0])).toBeNull();
      expect(await store.deleteContact(c.id)).toBe(true);
      expect(await store.getConversation(convIds[1])).toBeNull();
      expect(await store.deleteContact(c.id)).toBe(false);
    });

    it('a contact message reopens its closed conversation', async () => {
      const c = await lead();
      const r = await send(c.id, 'hi');
      if (r.status !== 'stored') throw new Error('expected stored');
      await store.updateConversation(r.conversation.id, { state: 'closed' });
      const again = await send(c.id, 'back', { conversationId: r.conversation.id });
      expect(again.status === 'stored' && again.conversation.state).toBe('open');
    });

    it('serialises concurrent sends with a block: every send after the block commits is refused', async () => {
      const c = await lead();
      const sends: Promise<{ r: Awaited<ReturnType<Store['appendMessage']>>; afterBlock: boolean }>[] = [];
      let blocked = false;
      for (let i = 0; i < 40; i++) {
        const afterBlock = blocked;
        sends.push(send(c.id, `s${i}`, { clientId: `c${i}` }).then((r) => ({ r, afterBlock })));
        if (i === 20) await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' }).then(() => { blocked = true; });
      }
      const results = await Promise.all(sends);
      for (const { r, afterBlock } of results) if (afterBlock) expect(r.status).toBe('blocked');
      const stored = results.filter(({ r }) => r.status === 'stored').length;
      const history = await store.listContactMessages(c.id, { limit: 100 });
      expect(history.messages).toHaveLength(stored);
    });

    it('matches an email to a contact only when verified first, and never to a merged lead', async () => {
      const typed = await store.createContact({ type: 'lead', email: 'same@example.com', emailVerified: false });
      expect(typed.emailVerified).toBe(false);
      expect((await store.findContactByEmail('same@example.com'))?.id).toBe(typed.id);
      const real = await store.createContact({ type: 'lead', email: 'same@example.com' });
      expect((await store.findContactByEmail('same@example.com'))?.id).toBe(real.id);
      const bumped = await store.updateContact(real.id, { tokenEpoch: real.tokenEpoch + 1, emailVerified: false });
      expect(bumped).toMatchObject({ tokenEpoch: real.tokenEpoch + 1, emailVerified: false });
    });

    it('merges a lead into a customer: conversations and history move, the lead is marked and leaves lists', async () => {
      const l = await lead();
      const customer = await store.createContact({ type: 'customer', userId: 'merge-1' });
      const sent = await send(l.id, 'from the lead');
      if (sent.status !== 'stored') throw new Error(sent.status);
      await store.recordContactSeen(l.id, { deviceId: 'dev-merge' });
      const merged = await store.mergeContact(l.id, customer.id);
      expect(merged?.lead).toMatchObject({ mergedInto: customer.id, tokenEpoch: l.tokenEpoch + 1 });
      expect((await store.getConversation(sent.conversation.id))?.contactId).toBe(customer.id);
      expect((await store.listContactMessages(customer.id, { limit: 10 })).messages.map((m) => m.body)).toEqual(['from the lead']);
      expect((await store.listContacts({ type: 'all', limit: 50 })).items.map((c) => c.id)).not.toContain(l.id);
      // Merging again, or into itself, does nothing.
      expect(await store.mergeContact(l.id, customer.id)).toBeNull();
      expect(await store.mergeContact(customer.id, customer.id)).toBeNull();
      // The customer inherits the lead's devices.
      const other = await lead();
      await store.recordContactSeen(other.id, { deviceId: 'dev-merge' });
      expect((await store.listDeviceSharers(customer.id, 10)).map((c) => c.id)).toEqual([other.id]);
    });

    it('finds a blocked contact by a device it used, only while the block is in force', async () => {
      const a = await lead();
      const b = await lead();
      await store.recordContactSeen(a.id, { ip: '192.0.2.1', deviceId: 'dev-a' });
      await store.recordContactSeen(a.id, { ip: '192.0.2.1', deviceId: 'dev-a2' });
      const now = new Date().toISOString();
      expect(await store.findBlockedContactByDevice('dev-a', now)).toBeNull();
      await store.setBlocked({ contactId: a.id, blocked: true, actorType: 'api', blockedUntil: new Date(Date.now() + 60_000).toISOString() });
      // Every device the contact used counts, not only the last one.
      expect((await store.findBlockedContactByDevice('dev-a', now))?.id).toBe(a.id);
      expect((await store.findBlockedContactByDevice('dev-a2', now))?.id).toBe(a.id);
      expect(await store.findBlockedContactByDevice('dev-a', now, a.id)).toBeNull();
      expect(await store.findBlockedContactByDevice('dev-a', new Date(Date.now() + 120_000).toISOString())).toBeNull();
      expect(await store.findBlockedContactByDevice('dev-b', now)).toBeNull();
      await store.recordContactSeen(b.id, { deviceId: 'dev-a' });
      expect((await store.listDeviceSharers(b.id, 10)).map((c) => c.id)).toEqual([a.id]);
    });
  });
}
