import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.js';

/**
 * Console accounts and the inbox, run unchanged against every backend (next to
 * runStoreContract). `factory` returns a fresh, empty, migrated store.
 */
export function runAgentStoreContract(name: string, factory: () => Promise<Store>, cleanup?: (s: Store) => Promise<void>) {
  describe(`agent store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await cleanup?.(store);
      await store.close();
    });

    const agent = (email: string, role: 'admin' | 'agent' = 'agent') =>
      store.createAgent({ email, name: email.split('@')[0], role, passwordHash: `scrypt$test$${email}` });
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();
    const say = (contactId: string, body: string, minute: number, extra: Record<string, unknown> = {}) =>
      store.appendMessage({ authorType: 'lead', authorId: contactId, body, messageType: 'reply', createdAt: at(minute), ...extra });
    const conversationOf = async (r: Awaited<ReturnType<Store['appendMessage']>>) => {
      if (r.status !== 'stored') throw new Error(`not stored: ${r.status}`);
      return r.conversation.id;
    };

    it('creates agents with 24-hex ids, finds them by id and by email in any case, lists and counts them', async () => {
      expect(await store.countAgents()).toBe(0);
      const a = await agent('Ada@Example.com', 'admin');
      const b = await agent('bob@example.com');
      expect(a.id).toMatch(/^[0-9a-f]{24}$/);
      expect(a).toMatchObject({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: 'scrypt$test$Ada@Example.com' });
      expect((await store.getAgent(b.id))?.email).toBe('bob@example.com');
      expect((await store.findAgentByEmail('ADA@example.COM'))?.id).toBe(a.id);
      expect(await store.findAgentByEmail('nobody@example.com')).toBeNull();
      expect(await store.getAgent('0'.repeat(24))).toBeNull();
      expect((await store.listAgents()).map((x) => x.id)).toEqual([a.id, b.id]);
      expect(await store.countAgents()).toBe(2);
    });

    it('starts sessions at epoch 0 and bumps the epoch on sign-out, per agent', async () => {
      const a = await store.createAgent({ email: 'epoch-a@example.com', name: 'A', role: 'agent', passwordHash: 'scrypt$x' });
      const b = await store.createAgent({ email: 'epoch-b@example.com', name: 'B', role: 'agent', passwordHash: 'scrypt$x' });
      expect(a.sessionEpoch).toBe(0);
      await store.bumpSessionEpoch(a.id);
      await store.bumpSessionEpoch(a.id);
      expect((await store.getAgent(a.id))?.sessionEpoch).toBe(2);
      expect((await store.getAgent(b.id))?.sessionEpoch).toBe(0);
    });

    it('deactivates an agent and revokes its sessions in one step; reactivation keeps them revoked', async () => {
      const admin = await agent('lead@example.com', 'admin');
      const a = await agent('leaver@example.com');
      const at = new Date(Date.UTC(2026, 1, 2, 3, 4, 5)).toISOString();
      const res = await store.deactivateAgent(a.id, at);
      expect(res?.status).toBe('deactivated');
      expect(res?.agent).toMatchObject({ id: a.id, deactivatedAt: at, sessionEpoch: 1 });
      expect(await store.getAgent(a.id)).toMatchObject({ deactivatedAt: at, sessionEpoch: 1 });
      // Again: nothing changes, the epoch stays.
      expect(await store.deactivateAgent(a.id, new Date().toISOString())).toMatchObject({ status: 'unchanged', agent: { deactivatedAt: at, sessionEpoch: 1 } });
      expect((await store.listAgents()).find((x) => x.id === a.id)?.deactivatedAt).toBe(at);
      expect(await store.reactivateAgent(a.id)).toMatchObject({ changed: true, agent: { deactivatedAt: null, sessionEpoch: 1 } });
      expect(await store.reactivateAgent(a.id)).toMatchObject({ changed: false, agent: { deactivatedAt: null } });
      expect((await store.getAgent(admin.id))?.sessionEpoch).toBe(0);
      expect(await store.deactivateAgent('0'.repeat(24), at)).toBeNull();
      expect(await store.reactivateAgent('0'.repeat(24))).toBeNull();
    });

    it('never deactivates the last active admin, even when every admin is deactivated at once', async () => {
      const admins = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((x) => agent(`admin-${x}@example.com`, 'admin')));
      await agent('helper@example.com');
      const now = new Date().toISOString();
      const results = await Promise.all(admins.map((a) => store.deactivateAgent(a.id, now)));
      expect(results.map((r) => r?.status).sort()).toEqual(['deactivated', 'deactivated', 'deactivated', 'deactivated', 'last_admin']);
      const active = (await store.listAgents()).filter((x) => x.role === 'admin' && !x.deactivatedAt);
      expect(active).toHaveLength(1);
      // The survivor is the last one: refused, untouched.
      expect(await store.deactivateAgent(active[0].id, now)).toMatchObject({ status: 'last_admin', agent: { deactivatedAt: null, sessionEpoch: 0 } });
      // Once another admin is back, either may go.
      const gone = results.find((r) => r?.status === 'deactivated')!.agent;
      await store.reactivateAgent(gone.id);
      expect((await store.deactivateAgent(active[0].id, now))?.status).toBe('deactivated');
    });

    it('sets a new password hash and bumps the session epoch; null for an unknown agent', async () => {
      const a = await agent('reset@example.com');
      const updated = await store.setAgentPassword(a.id, 'scrypt$new');
      expect(updated).toMatchObject({ id: a.id, passwordHash: 'scrypt$new', sessionEpoch: 1 });
      expect(await store.findAgentByEmail('reset@example.com')).toMatchObject({ passwordHash: 'scrypt$new', sessionEpoch: 1 });
      expect(await store.setAgentPassword('0'.repeat(24), 'scrypt$x')).toBeNull();
    });

    it('refuses a second agent with the same email', async () => {
      await agent('same@example.com');
      await expect(agent('SAME@example.com')).rejects.toThrow();
      expect(await store.countAgents()).toBe(1);
    });

    it('lists the inbox by last activity, newest first, with contact and last message (notes included), paged', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await store.createContact({ type: 'lead', name: `Visitor ${i}` });
        ids.push(await conversationOf(await say(c.id, `hello ${i}`, i)));
      }
      // Activity moves conversation 0 to the top; a note counts as activity too.
      await store.appendMessage({ authorType: 'admin', authorId: 'f'.repeat(24), conversationId: ids[0], body: 'internal', messageType: 'note', createdAt: at(10) });
      const first = await store.listInbox({ limit: 3 });
      expect(first.items.map((r) => r.conversation.id)).toEqual([ids[0], ids[3], ids[2]]);
      expect(first.items[0].contact.name).toBe('Visitor 0');
      expect(first.items[0].lastMessage).toMatchObject({ body: 'internal', messageType: 'note', authorType: 'admin' });
      expect(first.items[1].lastMessage?.body).toBe('hello 3');
      expect(first.nextCursor).toBeTruthy();
      const second = await store.listInbox({ limit: 3, cursor: first.nextCursor });
      expect(second.items.map((r) => r.conversation.id)).toEqual([ids[1]]);
      expect(second.nextCursor).toBeNull();
    });

    it('filters the inbox by state, by blocked contact, and by name or email substring in any case', async () => {
      const ann = await store.createContact({ type: 'customer', userId: 'u1', name: 'Ann Lee', email: 'ann@shop.test' });
      const bo = await store.createContact({ type: 'lead', name: 'Bo 100%', email: 'bo@else.test' });
      const annConv = await conversationOf(await say(ann.id, 'a', 1));
      const boConv = await conversationOf(await say(bo.id, 'b', 2));
      await store.updateConversation(annConv, { state: 'closed' });
      await store.setBlocked({ contactId: bo.id, blocked: true, actorType: 'api' });
      const ids = async (q: Partial<Parameters<Store['listInbox']>[0]>) => (await store.listInbox({ limit: 10, ...q })).items.map((r) => r.conversation.id);
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
      expect((await store.listInbox({ limit: 10, blocked: true })).items[0].contact.blocked).toBe(true);
      // A block past its expiry is no block: Ann's just-expired block leaves her in "not blocked".
      await store.setBlocked({ contactId: ann.id, blocked: true, actorType: 'api', blockedUntil: new Date(Date.now() - 1000).toISOString() });
      expect(await ids({ blocked: true })).toEqual([boConv]);
      expect(await ids({ blocked: false })).toEqual([annConv]);
    });

    it('counts unread contact messages per agent until that agent marks the conversation read', async () => {
      const a = await agent('a@example.com');
      const b = await agent('b@example.com');
      const c = await store.createContact({ type: 'lead' });
      const conv = await conversationOf(await say(c.id, 'one', 1));
      await say(c.id, 'two', 2);
      // Agents' own replies are never unread.
      await store.appendMessage({ authorType: 'admin', authorId: a.id, conversationId: conv, body: 'hi', messageType: 'reply', createdAt: at(3) });
      const unread = async (agentId: string) => (await store.listInbox({ limit: 10, agentId })).items[0].unread;
      expect(await unread(a.id)).toBe(2);
      await store.markConversationRead(a.id, conv);
      expect(await unread(a.id)).toBe(0);
      expect(await unread(b.id)).toBe(2);
      await say(c.id, 'three', 4);
      expect(await unread(a.id)).toBe(1);
      await store.markConversationRead(a.id, conv);
      await store.markConversationRead(a.id, conv);
      expect(await unread(a.id)).toBe(0);
      // Unknown conversations are ignored.
      await store.markConversationRead(a.id, '999999');
    });
  });
}
