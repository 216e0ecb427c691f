import { describe, expect, it } from 'vitest';
import { heldOpenRename, storePerTest, type Backend } from './backend.js';

/** Email follow-up rows: derived scheduling, leased claims, the interval, blocks and unsubscribes. Run on every backend unchanged. */
export function runFollowupsContract(backend: Backend) {
  describe(`followups repository: ${backend.name}`, () => {
    const db = storePerTest(backend);
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const claim = (now = at(0), sentBefore = at(0)) => db().followups.claimDue({ now, leaseUntil: at(60_000), sentBefore, limit: 10, repliesPerEmail: 20 });

    const lead = async () => {
      const c = await db().contacts.create({ type: 'lead' });
      const r = await db().conversations.appendMessage({ authorType: 'lead', authorId: c.id, body: 'hi', messageType: 'reply', newConversation: true });
      if (r.status !== 'stored') throw new Error(r.status);
      const reply = async (body: string, messageType: 'reply' | 'note' = 'reply') => {
        const m = await db().conversations.appendMessage({ conversationId: r.conversation.id, authorType: 'admin', authorId: 'a'.repeat(24), body, messageType });
        if (m.status !== 'stored') throw new Error(m.status);
        return m.message;
      };
      return { id: c.id, reply };
    };

    it('subscribing skips replies already in the thread; a new reply makes the row due once', async () => {
      const c = await lead();
      await c.reply('before the address');
      const f = await db().followups.subscribe({ contactId: c.id, email: 'ada@example.com', pageUrl: 'https://shop.test/p', locale: 'fr' });
      expect(f).toMatchObject({ contactId: c.id, email: 'ada@example.com', pageUrl: 'https://shop.test/p', locale: 'fr', dueAt: null, unsubscribedAt: null });
      expect(await db().followups.schedule(at(0))).toBe(0);
      await c.reply('first');
      await c.reply('internal', 'note');
      await c.reply('second');
      expect(await db().followups.schedule(at(0))).toBe(1);
      expect(await db().followups.schedule(at(0))).toBe(0);
      const [claimed, ...rest] = await claim(at(1));
      expect(rest).toEqual([]);
      expect(claimed.replies.map((m) => m.body)).toEqual(['first', 'second']);
      // Leased: nobody else gets it until the lease runs out.
      expect(await claim(at(1))).toEqual([]);
      expect((await claim(at(61_000))).map((x) => x.contactId)).toEqual([c.id]);
      await db().followups.finish(c.id, claimed.replies[1].seq, at(0));
      expect(await db().followups.schedule(at(0))).toBe(0);
      expect(await db().followups.get(c.id)).toMatchObject({ dueAt: null, lastSentAt: expect.any(String), emailedSeq: claimed.replies[1].seq });
    });

    it('sends at most once per interval; a reply during a claim stays due', async () => {
      const c = await lead();
      await db().followups.subscribe({ contactId: c.id, email: 'b@example.com', pageUrl: null, locale: null });
      await c.reply('one');
      await db().followups.schedule(at(0));
      const [first] = await claim(at(1));
      await c.reply('two, while the email was going out');
      await db().followups.finish(c.id, first.replies[0].seq, at(0));
      expect((await db().followups.get(c.id))!.dueAt).not.toBeNull();
      expect(await claim(at(1), at(-60_000))).toEqual([]); // sent just now: not within the interval
      const [second] = await claim(at(1), at(10_000));
      expect(second.replies.map((m) => m.body)).toEqual(['two, while the email was going out']);
    });

    it('a reply seen live is not emailed; a failed delivery is retried later', async () => {
      const c = await lead();
      await db().followups.subscribe({ contactId: c.id, email: 'c@example.com', pageUrl: null, locale: null });
      const seen = await c.reply('seen in the widget');
      await db().followups.seenThrough(c.id, seen.id);
      expect(await db().followups.schedule(at(0))).toBe(0);
      await c.reply('not seen');
      await db().followups.schedule(at(0));
      const [x] = await claim(at(1));
      await db().followups.retryAt(c.id, at(30_000));
      expect(await claim(at(1))).toEqual([]);
      expect((await claim(at(31_000)))[0].replies.map((m) => m.body)).toEqual(['not seen']);
      expect(x.replies).toHaveLength(1);
    });

    it('never claims a contact whose block is in force, and drops what was pending for it', async () => {
      const c = await lead();
      await db().followups.subscribe({ contactId: c.id, email: 'd@example.com', pageUrl: null, locale: null });
      await c.reply('to a contact about to be blocked');
      await db().followups.schedule(at(0));
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect(await claim(at(1))).toEqual([]);
      await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
      expect(await db().followups.schedule(at(0))).toBe(0); // nothing pending carried over the block
    });

    it('unsubscribing stops scheduling; subscribing again starts afresh', async () => {
      const c = await lead();
      await db().followups.subscribe({ contactId: c.id, email: 'e@example.com', pageUrl: null, locale: null });
      expect(await db().followups.unsubscribe(c.id)).toBe(true);
      expect(await db().followups.unsubscribe(c.id)).toBe(false);
      expect(await db().followups.unsubscribe('f'.repeat(24))).toBe(false);
      await c.reply('after unsubscribing');
      expect(await db().followups.schedule(at(0))).toBe(0);
      expect(await claim(at(1))).toEqual([]);
      const again = await db().followups.subscribe({ contactId: c.id, email: 'e2@example.com', pageUrl: null, locale: null });
      expect(again).toMatchObject({ email: 'e2@example.com', unsubscribedAt: null });
      expect(await db().followups.schedule(at(0))).toBe(0);
    });

    it('reads a contact with its follow-up in one call, as get() gives each', async () => {
      const c = await lead();
      expect(await db().followups.withContact(c.id)).toEqual({ contact: await db().contacts.get(c.id), followup: null });
      await db().followups.subscribe({ contactId: c.id, email: 'ada@example.com', pageUrl: 'https://shop.test/p', locale: 'fr' });
      await db().followups.unsubscribe(c.id);
      const read = await db().followups.withContact(c.id);
      expect(read).toEqual({ contact: await db().contacts.get(c.id), followup: await db().followups.get(c.id) });
      expect(read?.followup).toMatchObject({ email: 'ada@example.com', locale: 'fr', unsubscribedAt: expect.any(String) });
      expect(await db().followups.withContact('0'.repeat(24))).toBeNull();
    });

    it("a contact read outside a transaction never sees that transaction's uncommitted rows", async () => {
      const c = await db().contacts.create({ type: 'lead', name: 'before' });
      const tx = await heldOpenRename(db(), c.id, 'uncommitted');
      const reads = Promise.all([db().followups.withContact(c.id), db().contacts.getWithSeen(c.id)]);
      tx.release();
      const [session, seen] = await reads;
      expect(session?.contact.name).toBe('before');
      expect(seen?.contact.name).toBe('before');
      expect(await tx.outcome).toBe('rolled back');
    });
  });
}
