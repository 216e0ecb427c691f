import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.js';

const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const HOUR = 3_600_000;

/**
 * Wider blocks (expiry, last IP/device, IP and device rules), webhook deliveries and the
 * audit log: the part of the store contract every backend passes unchanged.
 */
export function runHardeningStoreContract(name: string, factory: () => Promise<Store>, cleanup?: (s: Store) => Promise<void>) {
  describe(`store contract (blocks with scope and expiry, webhooks, audit log): ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await cleanup?.(store);
      await store.close();
    });

    const send = (authorId: string, body = 'hi') => store.appendMessage({ authorType: 'lead', authorId, body, messageType: 'reply' });

    it('refuses sends during a temporary block and reports blockedUntil', async () => {
      const c = await store.createContact({ type: 'lead' });
      const until = at(HOUR);
      const r = await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: until });
      expect(r?.contact).toMatchObject({ blocked: true, blockedUntil: until });
      expect((await send(c.id)).status).toBe('blocked');
      expect(await store.getContact(c.id)).toMatchObject({ blocked: true, blockedUntil: until });
    });

    it('lets a contact send again once its block has expired, and a new block applies again', async () => {
      const c = await store.createContact({ type: 'lead' });
      await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(-1000) });
      expect((await store.getContact(c.id))?.blocked).toBe(false);
      expect((await send(c.id)).status).toBe('stored');
      // Expired counts as unblocked: blocking again is a change, recorded once more.
      const again = await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect(again).toMatchObject({ changed: true, contact: { blocked: true, blockedUntil: null } });
      expect((await send(c.id)).status).toBe('blocked');
      expect((await store.listBlockEvents(c.id)).map((e) => e.action)).toEqual(['block', 'block']);
    });

    it('changes the expiry of a blocked contact without recording a new block, and clears it on unblock', async () => {
      const c = await store.createContact({ type: 'lead' });
      await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(HOUR) });
      const permanent = await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: null });
      expect(permanent).toMatchObject({ changed: false, contact: { blocked: true, blockedUntil: null } });
      const kept = await store.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect(kept?.contact.blockedUntil).toBeNull();
      expect(await store.listBlockEvents(c.id)).toHaveLength(1);
      const unblocked = await store.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
      expect(unblocked?.contact).toMatchObject({ blocked: false, blockedUntil: null });
    });

    it('records where a contact last connected from, keeping what a connection does not say', async () => {
      const c = await store.createContact({ type: 'lead' });
      expect(await store.getContactSeen(c.id)).toEqual({ ip: null, deviceId: null });
      await store.recordContactSeen(c.id, { ip: '203.0.113.7', deviceId: 'dev-1' });
      await store.recordContactSeen(c.id, { ip: '203.0.113.8' });
      expect(await store.getContactSeen(c.id)).toEqual({ ip: '203.0.113.8', deviceId: 'dev-1' });
      expect(await store.getContactSeen('0'.repeat(24))).toBeNull();
    });

    it('finds the IP and device rules that have not expired, and lifts them by source contact', async () => {
      const a = await store.createContact({ type: 'lead' });
      const b = await store.createContact({ type: 'lead' });
      const rules = await store.addBlockRules([
        { kind: 'ip', value: '198.51.100.1', sourceContactId: a.id, expiresAt: at(HOUR) },
        { kind: 'device', value: 'dev-a', sourceContactId: a.id, expiresAt: null },
        { kind: 'ip', value: '198.51.100.2', sourceContactId: b.id, expiresAt: at(-1000) },
      ]);
      expect(rules).toHaveLength(3);
      expect(rules[0]).toMatchObject({ kind: 'ip', value: '198.51.100.1', sourceContactId: a.id, id: expect.stringMatching(/^[0-9a-f]{24}$/) });
      const now = new Date().toISOString();
      expect(await store.findActiveBlockRule({ ip: '198.51.100.1' }, now)).toMatchObject({ kind: 'ip', sourceContactId: a.id });
      expect(await store.findActiveBlockRule({ ip: '10.0.0.1', deviceId: 'dev-a' }, now)).toMatchObject({ kind: 'device', expiresAt: null });
      expect(await store.findActiveBlockRule({ ip: '198.51.100.2' }, now)).toBeNull();
      expect(await store.findActiveBlockRule({ ip: '10.0.0.1' }, now)).toBeNull();
      expect(await store.findActiveBlockRule({}, now)).toBeNull();
      expect(await store.listBlockRules(a.id)).toHaveLength(2);
      expect(await store.removeBlockRules(a.id)).toBe(2);
      expect(await store.findActiveBlockRule({ ip: '198.51.100.1', deviceId: 'dev-a' }, now)).toBeNull();
    });

    it('creates, pages, updates and deletes webhooks', async () => {
      const made = [];
      for (let i = 0; i < 3; i++) {
        made.push(await store.createWebhook({
          name: `w${i}`, url: `https://example.com/${i}`, description: null, topics: ['contact.blocked'], secret: `whsec_${i}`,
          headers: { 'x-k': 'v' }, timeoutMs: 5000,
        }));
      }
      expect(made[0]).toMatchObject({ status: 'active', topics: ['contact.blocked'], headers: { 'x-k': 'v' }, lastStatus: null, health: { consecutiveFailures: 0 } });
      expect(await store.countWebhooks()).toBe(3);
      const first = await store.listWebhooks({ limit: 2 });
      expect(first.items.map((w) => w.name)).toEqual(['w2', 'w1']);
      const second = await store.listWebhooks({ limit: 2, cursor: first.nextCursor });
      expect(second.items.map((w) => w.name)).toEqual(['w0']);
      expect(second.nextCursor).toBeNull();
      const updated = await store.updateWebhook(made[0].id, {
        status: 'paused', topics: ['contact.unblocked', 'conversation.user.replied'], description: 'd',
        lastStatus: { code: 500, message: 'Internal Server Error', timestamp: at(0) },
      });
      expect(updated).toMatchObject({ status: 'paused', topics: ['contact.unblocked', 'conversation.user.replied'], description: 'd', lastStatus: { code: 500 } });
      expect((await store.listWebhooks({ limit: 10, status: 'paused' })).items.map((w) => w.id)).toEqual([made[0].id]);
      expect(await store.updateWebhook('f'.repeat(24), { name: 'x' })).toBeNull();
      expect(await store.deleteWebhook(made[0].id)).toBe(true);
      expect(await store.deleteWebhook(made[0].id)).toBe(false);
      expect(await store.getWebhook(made[0].id)).toBeNull();
    });

    it('claims each due delivery once, until its lease runs out, and keeps the outcome', async () => {
      const w = await store.createWebhook({ name: 'w', url: 'https://example.com', description: null, topics: ['contact.blocked'], secret: 's', headers: {}, timeoutMs: 5000 });
      const [d1, d2] = await store.enqueueDeliveries([
        { webhookId: w.id, topic: 'contact.blocked', payload: '{"n":1}' },
        { webhookId: w.id, topic: 'contact.blocked', payload: '{"n":2}' },
      ]);
      expect(d1).toMatchObject({ status: 'pending', attempts: 0, payload: '{"n":1}' });
      const now = at(0);
      const [a, b] = await Promise.all([store.claimDueDeliveries(now, at(60_000), 10), store.claimDueDeliveries(now, at(60_000), 10)]);
      const claimed = [...a, ...b];
      expect(claimed.map((d) => d.id).sort()).toEqual([d1.id, d2.id].sort());
      expect(claimed.every((d) => d.attempts === 1)).toBe(true);
      // Leased: nothing is due now, but everything is once the lease has passed.
      expect(await store.claimDueDeliveries(at(0), at(60_000), 10)).toEqual([]);
      await store.completeDelivery(d1.id, { status: 'delivered' });
      await store.completeDelivery(d2.id, { status: 'pending', nextAttemptAt: at(-1), lastError: 'HTTP 500' });
      const retry = await store.claimDueDeliveries(at(0), at(60_000), 10);
      expect(retry).toMatchObject([{ id: d2.id, attempts: 2, lastError: 'HTTP 500' }]);
      await store.completeDelivery(d2.id, { status: 'failed', lastError: 'HTTP 500' });
      expect(await store.claimDueDeliveries(at(2 * HOUR), at(3 * HOUR), 10)).toEqual([]);
      const listed = await store.listDeliveries(w.id, 10);
      expect(listed.map((d) => [d.id, d.status])).toEqual([[d2.id, 'failed'], [d1.id, 'delivered']]);
      // Deleting the webhook drops its deliveries.
      await store.deleteWebhook(w.id);
      expect(await store.listDeliveries(w.id, 10)).toEqual([]);
    });

    it('appends audit log entries and lists them newest first, filtered and paged', async () => {
      const entry = (action: string, domain: string) => store.addAuditLog({
        action, domain, description: action,
        actor: { type: 'api_key', id: null, email: null, name: null },
        resource: { type: 'contact', id: 'c1', name: null },
        request: { ipAddress: '127.0.0.1', userAgent: 'test' },
        metadata: { reason: 'spam', nested: { a: 1 } },
      });
      const first = await entry('security.user_banned', 'security');
      await entry('auth.login', 'authentication');
      await entry('security.user_unbanned', 'security');
      expect(first).toMatchObject({ action: 'security.user_banned', actor: { type: 'api_key' }, resource: { type: 'contact', id: 'c1' }, metadata: { nested: { a: 1 } } });
      const all = await store.listAuditLogs({ limit: 2 });
      expect(all.items.map((e) => e.action)).toEqual(['security.user_unbanned', 'auth.login']);
      const rest = await store.listAuditLogs({ limit: 2, cursor: all.nextCursor });
      expect(rest.items.map((e) => e.action)).toEqual(['security.user_banned']);
      expect(rest.nextCursor).toBeNull();
      expect((await store.listAuditLogs({ limit: 10, domain: 'security' })).items).toHaveLength(2);
      expect((await store.listAuditLogs({ limit: 10, action: 'auth.login' })).items).toHaveLength(1);
      expect((await store.listAuditLogs({ limit: 10, startDate: at(HOUR) })).items).toHaveLength(0);
      expect((await store.listAuditLogs({ limit: 10, endDate: at(HOUR) })).items).toHaveLength(3);
    });
  });
}
