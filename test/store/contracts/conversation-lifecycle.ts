import { describe, expect, it } from 'vitest';
import { decodeInboxCursor } from '../../../server/store/inbox-query.js';
import type { Store } from '../../../server/store/store.js';
import { storePerTest, type Backend } from './backend.js';

/** Snoozes that wake, redaction and conversation search. Run on every backend unchanged. */
export function runConversationLifecycleContract(backend: Backend) {
  describe(`conversations (snooze, redaction, search): ${backend.name}`, () => {
    const db = storePerTest(backend);

    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();
    const start = async (body: string, minute: number) => {
      const c = await db().contacts.create({ type: 'lead' });
      const r = await db().conversations.appendMessage({ authorType: 'lead', authorId: c.id, body, messageType: 'reply', newConversation: true, createdAt: at(minute) });
      if (r.status !== 'stored') throw new Error(r.status);
      return { contactId: c.id, id: r.conversation.id, messageId: r.message.id };
    };

    it('wakes due snoozes once each, even when two sweeps run at once', async () => {
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push((await start(`s${i}`, i)).id);
      for (const [i, id] of ids.entries()) await db().conversations.update(id, { state: 'snoozed', snoozedUntil: at(i < 4 ? 30 : 50) });
      expect(await db().conversations.get(ids[0])).toMatchObject({ state: 'snoozed', snoozedUntil: at(30) });
      expect(await db().conversations.anySnoozeDue(at(29))).toBe(false);
      expect(await db().conversations.anySnoozeDue(at(30))).toBe(true);
      const [x, y] = await Promise.all([db().conversations.wakeSnoozed(at(40), 100), db().conversations.wakeSnoozed(at(40), 100)]);
      const woken = [...x, ...y];
      expect(woken.map((w) => w.conversation.id).sort()).toEqual(ids.slice(0, 4).sort());
      for (const w of woken) {
        expect(w.previous).toMatchObject({ state: 'snoozed', snoozedUntil: at(30) });
        expect(w.conversation).toMatchObject({ state: 'open', snoozedUntil: null });
      }
      expect(await db().conversations.wakeSnoozed(at(40), 100)).toEqual([]);
      expect((await db().conversations.wakeSnoozed(at(59), 1)).length).toBe(1);
      expect(await db().conversations.get(ids[5])).toMatchObject({ state: 'snoozed' });
    });

    it('redacts a message for good: empty body, time recorded, gone from the visitor history', async () => {
      const { contactId, id, messageId } = await start('abusive words', 1);
      const r = await db().conversations.appendMessage({ authorType: 'lead', authorId: contactId, conversationId: id, body: 'fine', messageType: 'reply' });
      const redacted = await db().conversations.redactMessage(id, messageId, at(5));
      expect(redacted).toMatchObject({ id: messageId, body: '', redactedAt: at(5) });
      expect(await db().conversations.redactMessage(id, messageId, at(9))).toMatchObject({ redactedAt: at(5) });
      expect(await db().conversations.redactMessage('987654', messageId, at(9))).toBeNull();
      expect(await db().conversations.getMessage(id, messageId)).toMatchObject({ body: '', redactedAt: at(5) });
      expect((await db().conversations.listMessages(id)).map((m) => [m.body, m.redactedAt])).toEqual([['', at(5)], ['fine', null]]);
      const history = await db().conversations.listContactMessages(contactId, { limit: 10 });
      expect(history.messages.map((m) => m.id)).toEqual([r.status === 'stored' ? r.message.id : '']);
    });

    it('searches by state, assignee, contact, tag, creation time and text, paging both ways', async () => {
      const a = await start('refund please', 1);
      const b = await start('parcel lost', 2);
      const c = await start('another REFUND', 3);
      await db().conversations.update(b.id, { state: 'closed', adminAssigneeId: 'a'.repeat(24) });
      const tag = (await db().tags.create('t'))!;
      await db().tags.attach(a.id, tag.id, null);
      const ids = async (q: Partial<Parameters<Store['conversations']['search']>[0]>) =>
        (await db().conversations.search({ clauses: [], order: 'desc', limit: 10, ...q })).items.map((x) => x.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ order: 'asc' })).toEqual([a.id, b.id, c.id]);
      expect(await ids({ clauses: [{ column: 'state', op: 'in', values: ['closed'] }] })).toEqual([b.id]);
      expect(await ids({ clauses: [{ column: 'state', op: 'not in', values: ['closed'] }] })).toEqual([c.id, a.id]);
      expect(await ids({ clauses: [{ column: 'admin_assignee_id', op: 'in', values: [null] }] })).toEqual([c.id, a.id]);
      expect(await ids({ clauses: [{ column: 'admin_assignee_id', op: 'not in', values: ['b'.repeat(24)] }] })).toEqual([c.id, b.id, a.id]);
      expect(await ids({ clauses: [{ column: 'admin_assignee_id', op: 'not in', values: [null] }] })).toEqual([b.id]);
      expect(await ids({ clauses: [{ column: 'contact_id', op: 'in', values: [a.contactId, c.contactId] }] })).toEqual([c.id, a.id]);
      expect(await ids({ clauses: [{ column: 'tag', op: 'in', values: [tag.id] }] })).toEqual([a.id]);
      expect(await ids({ clauses: [{ column: 'tag', op: 'not in', values: [tag.id] }] })).toEqual([c.id, b.id]);
      expect(await ids({ clauses: [{ column: 'created_at', op: '>', value: at(2) }] })).toEqual([c.id]);
      expect(await ids({ clauses: [{ column: 'created_at', op: '=', value: at(2) }] })).toEqual([b.id]);
      expect(await ids({ clauses: [{ column: 'constant', matches: false }] })).toEqual([]);
      expect(await ids({ text: 'refund' })).toEqual([c.id, a.id]);
      expect(await ids({ text: '100%_' })).toEqual([]);
      await db().conversations.redactMessage(a.id, a.messageId, at(9));
      expect(await ids({ text: 'refund' })).toEqual([c.id]);
      for (const order of ['asc', 'desc'] as const) {
        const first = await db().conversations.search({ clauses: [], order, limit: 2 });
        expect(first.nextCursor).toEqual(expect.any(String));
        const rest = await db().conversations.search({ clauses: [], order, limit: 2, after: decodeInboxCursor(first.nextCursor!) });
        expect([...first.items, ...rest.items].map((x) => x.id)).toEqual(order === 'asc' ? [a.id, b.id, c.id] : [c.id, b.id, a.id]);
        expect(rest.nextCursor).toBeNull();
      }
    });
  });
}
