import { describe, expect, it } from 'vitest';
import { leadConversation, storePerTest, type Backend } from './backend.js';

/**
 * What the console reads beyond the REST API: conversation timeline events (assignment, state;
 * stored in order, removed with the conversation), the contacts list's search and saved replies. Run on every backend unchanged.
 */
export function runConsoleReadsContract(backend: Backend) {
  describe(`console reads (timeline, contact search, saved replies): ${backend.name}`, () => {
    const db = storePerTest(backend);

    const conversation = () => leadConversation(db());

    it('keeps each conversation its own events, oldest first, with actor and assignee as they were', async () => {
      const [one, two] = [await conversation(), await conversation()];
      const actor = { type: 'admin' as const, id: 'a'.repeat(24), name: 'Ada' };
      const assigned = await db().timeline.add({ conversationId: one, kind: 'assigned', actor, assignee: { id: 'b'.repeat(24), name: 'Bob' } });
      expect(assigned).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/), conversationId: one, kind: 'assigned', actor, assignee: { id: 'b'.repeat(24), name: 'Bob' }, createdAt: expect.any(String),
      });
      await db().timeline.add({ conversationId: one, kind: 'closed', actor: { type: 'api', id: null, name: null }, assignee: null });
      await db().timeline.add({ conversationId: two, kind: 'snoozed', actor: { type: 'system', id: null, name: null }, assignee: null });
      expect((await db().timeline.list(one)).map((e) => e.kind)).toEqual(['assigned', 'closed']);
      expect((await db().timeline.list(two)).map((e) => e.kind)).toEqual(['snoozed']);
      expect(await db().timeline.list('not-a-number')).toEqual([]);
      expect(await db().conversations.delete(one)).toBe(true);
      expect(await db().timeline.list(one)).toEqual([]);
    });

    it('lists contacts matching a substring of name, email or userId, case-insensitively, with % and _ as themselves', async () => {
      const ada = await db().contacts.create({ type: 'customer', userId: 'ACCT_42', email: 'ada@example.com', name: 'Ada Lovelace' });
      const bob = await db().contacts.create({ type: 'lead', email: 'bob_100%@example.com', name: 'Bob' });
      await db().contacts.create({ type: 'lead', name: 'Cy' });
      const found = async (search: string) => (await db().contacts.list({ type: 'all', search, limit: 10 })).items.map((c) => c.id);
      expect(await found('lovelace')).toEqual([ada.id]);
      expect(await found('acct_4')).toEqual([ada.id]);
      expect(await found('EXAMPLE.COM')).toEqual([bob.id, ada.id]);
      expect(await found('_100%')).toEqual([bob.id]);
      expect(await found('%')).toEqual([bob.id]);
      expect(await found('nobody')).toEqual([]);
      expect((await db().contacts.list({ type: 'all', search: '  ', limit: 10 })).items).toHaveLength(3);
    });

    it('keeps saved replies by title; updates and deletes by id', async () => {
      const b = await db().savedReplies.create({ title: 'Shipping', body: 'It ships in 2 days.', createdBy: 'a'.repeat(24) });
      const a = await db().savedReplies.create({ title: 'Refunds', body: 'Refunds take a week.', createdBy: null });
      expect(b).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), title: 'Shipping', body: 'It ships in 2 days.', createdBy: 'a'.repeat(24), createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect((await db().savedReplies.list()).map((r) => r.title)).toEqual(['Refunds', 'Shipping']);
      expect(await db().savedReplies.count()).toBe(2);
      expect(await db().savedReplies.update(a.id, { body: 'Refunds take 5 days.' })).toMatchObject({ title: 'Refunds', body: 'Refunds take 5 days.' });
      expect(await db().savedReplies.update('f'.repeat(24), { title: 'x' })).toBeNull();
      expect(await db().savedReplies.delete(a.id)).toBe(true);
      expect(await db().savedReplies.delete(a.id)).toBe(false);
      expect(await db().savedReplies.get(a.id)).toBeNull();
    });
  });
}
