import { describe, expect, it } from 'vitest';
import { storePerTest, type Backend } from './backend.js';

/** Webhooks, their deliveries (claimed with a lease) and the outbox of events. Run on every backend unchanged. */
export function runWebhooksContract(backend: Backend) {
  describe(`webhooks repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const HOUR = 3_600_000;

    it('creates, pages, updates and deletes webhooks', async () => {
      const made = [];
      for (let i = 0; i < 3; i++) {
        made.push(await db().webhooks.create({
          name: `w${i}`, url: `https://example.com/${i}`, description: null, topics: ['contact.blocked'], secret: `whsec_${i}`,
          headers: { 'x-k': 'v' }, timeoutMs: 5000,
        }));
      }
      expect(made[0]).toMatchObject({ status: 'active', topics: ['contact.blocked'], headers: { 'x-k': 'v' }, lastStatus: null, health: { consecutiveFailures: 0 } });
      expect(await db().webhooks.count()).toBe(3);
      const first = await db().webhooks.list({ limit: 2 });
      expect(first.items.map((w) => w.name)).toEqual(['w2', 'w1']);
      const second = await db().webhooks.list({ limit: 2, cursor: first.nextCursor });
      expect(second.items.map((w) => w.name)).toEqual(['w0']);
      expect(second.nextCursor).toBeNull();
      const updated = await db().webhooks.update(made[0].id, {
        status: 'paused', topics: ['contact.unblocked', 'conversation.user.replied'], description: 'd',
        lastStatus: { code: 500, message: 'Internal Server Error', timestamp: at(0) },
      });
      expect(updated).toMatchObject({ status: 'paused', topics: ['contact.unblocked', 'conversation.user.replied'], description: 'd', lastStatus: { code: 500 } });
      expect((await db().webhooks.list({ limit: 10, status: 'paused' })).items.map((w) => w.id)).toEqual([made[0].id]);
      expect(await db().webhooks.update('f'.repeat(24), { name: 'x' })).toBeNull();
      expect(await db().webhooks.delete(made[0].id)).toBe(true);
      expect(await db().webhooks.delete(made[0].id)).toBe(false);
      expect(await db().webhooks.get(made[0].id)).toBeNull();
    });
    it('claims each due delivery once, until its lease runs out, and keeps the outcome', async () => {
      const w = await db().webhooks.create({ name: 'w', url: 'https://example.com', description: null, topics: ['contact.blocked'], secret: 's', headers: {}, timeoutMs: 5000 });
      const [d1, d2] = await db().webhooks.enqueueDeliveries([
        { webhookId: w.id, topic: 'contact.blocked', payload: '{"n":1}' },
        { webhookId: w.id, topic: 'contact.blocked', payload: '{"n":2}' },
      ]);
      expect(d1).toMatchObject({ status: 'pending', attempts: 0, payload: '{"n":1}' });
      const now = at(0);
      const [a, b] = await Promise.all([db().webhooks.claimDueDeliveries(now, at(60_000), 10), db().webhooks.claimDueDeliveries(now, at(60_000), 10)]);
      const claimed = [...a, ...b];
      expect(claimed.map((d) => d.id).sort()).toEqual([d1.id, d2.id].sort());
      expect(claimed.every((d) => d.attempts === 1)).toBe(true);
      // Leased: nothing is due now, but everything is once the lease has passed.
      expect(await db().webhooks.claimDueDeliveries(at(0), at(60_000), 10)).toEqual([]);
      await db().webhooks.completeDelivery(d1.id, { status: 'delivered' });
      await db().webhooks.completeDelivery(d2.id, { status: 'pending', nextAttemptAt: at(-1), lastError: 'HTTP 500' });
      const retry = await db().webhooks.claimDueDeliveries(at(0), at(60_000), 10);
      expect(retry).toMatchObject([{ id: d2.id, attempts: 2, lastError: 'HTTP 500' }]);
      await db().webhooks.completeDelivery(d2.id, { status: 'failed', lastError: 'HTTP 500' });
      expect(await db().webhooks.claimDueDeliveries(at(2 * HOUR), at(3 * HOUR), 10)).toEqual([]);
      const listed = await db().webhooks.listDeliveries(w.id, 10);
      expect(listed.map((d) => [d.id, d.status])).toEqual([[d2.id, 'failed'], [d1.id, 'delivered']]);
      // Deleting the webhook drops its deliveries.
      await db().webhooks.delete(w.id);
      expect(await db().webhooks.listDeliveries(w.id, 10)).toEqual([]);
    });

    const hook = () => db().webhooks.create({ name: 'w', url: 'https://example.com', description: null, topics: ['contact.blocked'], secret: 's', headers: {}, timeoutMs: 5000 });

    it('counts delivery attempts atomically and suspends an active webhook after N failures in a row', async () => {
      const w = await hook();
      const attempt = (ok: boolean) => db().webhooks.recordAttempt(w.id, { ok, code: ok ? 200 : 500, message: ok ? 'OK' : 'Internal Server Error', elapsedMs: 100, at: at(0), suspendAfter: 5 });
      await Promise.all([1, 2, 3].map(() => attempt(false)));
      expect((await db().webhooks.get(w.id))?.health).toMatchObject({ consecutiveFailures: 3, errorsSinceLastSuccess: 3, lastResponseTime: 100, avgResponseTime: 100 });
      const ok = await attempt(true);
      expect(ok).toMatchObject({ status: 'active', lastStatus: { code: 200 }, health: { consecutiveFailures: 0, errorsSinceLastSuccess: 0, lastSuccessAt: expect.any(String) } });
      await Promise.all([1, 2, 3, 4].map(() => attempt(false)));
      expect((await db().webhooks.get(w.id))?.status).toBe('active');
      expect(await attempt(false)).toMatchObject({ status: 'suspended', health: { consecutiveFailures: 5 } });
      // A paused webhook is never turned into a suspended one.
      await db().webhooks.update(w.id, { status: 'paused' });
      expect((await attempt(false))?.status).toBe('paused');
    });

    it('keeps outbox events until one process turns each into deliveries, exactly once', async () => {
      const w = await hook();
      await db().transaction(async (tx) => {
        await tx.webhooks.recordEvent({ type: 'contact:deleted', contactId: 'c1' });
        await tx.webhooks.recordEvent({ type: 'contact:deleted', contactId: 'c2' });
      });
      // A transaction that fails leaves nothing behind.
      await expect(db().transaction(async (tx) => {
        await tx.webhooks.recordEvent({ type: 'contact:deleted', contactId: 'c3' });
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      const now = at(0);
      const [a, b] = await Promise.all([db().webhooks.claimEvents(now, at(60_000), 10), db().webhooks.claimEvents(now, at(60_000), 10)]);
      const claimed = [...a, ...b];
      expect(claimed.map((e) => e.event)).toEqual([{ type: 'contact:deleted', contactId: 'c1' }, { type: 'contact:deleted', contactId: 'c2' }]);
      expect(await db().webhooks.claimEvents(at(0), at(60_000), 10)).toEqual([]);
      const made = await db().webhooks.dispatchEvent(claimed[0].id, [{ webhookId: w.id, topic: 'contact.blocked', payload: '{}' }]);
      expect(made).toHaveLength(1);
      // Handled already (say, by a process that claimed it after our lease ran out): nothing more.
      expect(await db().webhooks.dispatchEvent(claimed[0].id, [{ webhookId: w.id, topic: 'contact.blocked', payload: '{}' }])).toEqual([]);
      // The other one's lease runs out: claimed again.
      expect((await db().webhooks.claimEvents(at(120_000), at(180_000), 10)).map((e) => e.id)).toEqual([claimed[1].id]);
      expect(await db().webhooks.countEvents()).toBe(1);
      expect(await db().webhooks.listDeliveries(w.id, 10)).toHaveLength(1);
    });
  });
}
