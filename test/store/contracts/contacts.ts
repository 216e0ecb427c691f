import { describe, expect, it } from 'vitest';
import type { BlockPlan } from '../../../server/store/block-sql.js';
import type { AuditLogInput, BlockRuleInput } from '../../../server/store/store.js';
import { heldOpenRename, storePerTest, type Backend } from './backend.js';

/** Contacts and blocks: identity lookups, paging, block state with expiry and history, devices, IP and device rules, merges. Run on every backend unchanged. */
export function runContactsContract(backend: Backend) {
  describe(`contacts repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const HOUR = 3_600_000;
    const lead = () => db().contacts.create({ type: 'lead' });
    const send = (authorId: string, body = 'hi') => db().conversations.appendMessage({ authorType: 'lead', authorId, body, messageType: 'reply' });

    it('creates contacts with 24-hex ids and reads them back by id, userId and email', async () => {
      const c = await db().contacts.create({ type: 'customer', userId: 'u-1', email: 'a@example.com', name: 'Ada', customFields: { plan: 'pro' } });
      expect(c.id).toMatch(/^[0-9a-f]{24}$/);
      expect(c).toMatchObject({ type: 'customer', userId: 'u-1', email: 'a@example.com', name: 'Ada', blocked: false, blockedAt: null });
      expect(c.customFields).toEqual({ plan: 'pro' });
      expect((await db().contacts.get(c.id))?.name).toBe('Ada');
      expect((await db().contacts.findByUserId('u-1'))?.id).toBe(c.id);
      expect((await db().contacts.findByEmail('a@example.com'))?.id).toBe(c.id);
      expect(await db().contacts.get('0'.repeat(24))).toBeNull();
    });
    it('reads many contacts by id in one call, leaving unknown ids out', async () => {
      const [a, b] = [await lead(), await lead()];
      const found = await db().contacts.getMany([a.id, '0'.repeat(24), b.id]);
      expect(found.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
      expect(await db().contacts.getMany([])).toEqual([]);
    });
    it('updates only the given contact fields', async () => {
      const c = await db().contacts.create({ type: 'lead', name: 'Old', email: 'x@example.com' });
      const u = await db().contacts.update(c.id, { name: 'New', type: 'customer', userId: 'u-9' });
      expect(u).toMatchObject({ name: 'New', email: 'x@example.com', type: 'customer', userId: 'u-9' });
      expect(await db().contacts.update('f'.repeat(24), { name: 'x' })).toBeNull();
    });
    it('pages contacts newest first with a cursor, filtered by type', async () => {
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await db().contacts.create({ type: i % 2 ? 'lead' : 'customer', name: `c${i}` }));
      const first = await db().contacts.list({ type: 'all', limit: 2 });
      expect(first.items.map((c) => c.name)).toEqual(['c4', 'c3']);
      const second = await db().contacts.list({ type: 'all', limit: 2, cursor: first.nextCursor });
      expect(second.items.map((c) => c.name)).toEqual(['c2', 'c1']);
      const third = await db().contacts.list({ type: 'all', limit: 2, cursor: second.nextCursor });
      expect(third.items.map((c) => c.name)).toEqual(['c0']);
      expect(third.nextCursor).toBeNull();
      const customers = await db().contacts.list({ type: 'customer', limit: 10 });
      expect(customers.items.map((c) => c.name)).toEqual(['c4', 'c2', 'c0']);
    });
    it('blocks and unblocks idempotently, recording each change once with actor and reason', async () => {
      const c = await lead();
      const b1 = await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', reason: 'spam' });
      expect(b1?.changed).toBe(true);
      expect(b1?.contact.blocked).toBe(true);
      expect(b1?.contact.blockedAt).toBeTruthy();
      const b2 = await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect(b2?.changed).toBe(false);
      const u = await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'admin', actorId: 'a'.repeat(24) });
      expect(u?.changed).toBe(true);
      expect(u?.contact).toMatchObject({ blocked: false, blockedAt: null });
      const events = await db().contacts.listBlockEvents(c.id);
      expect(events.map((e) => [e.action, e.actorType, e.reason])).toEqual([['block', 'api', 'spam'], ['unblock', 'admin', null]]);
      // Each change answers with the event it wrote; an idempotent call wrote none.
      expect([b1?.event, u?.event]).toEqual(events);
      expect(b2?.event).toBeUndefined();
      expect(await db().contacts.setBlocked({ contactId: 'f'.repeat(24), blocked: true, actorType: 'api' })).toBeNull();
    });
    it('matches an email to a contact only when verified first, and never to a merged lead', async () => {
      const typed = await db().contacts.create({ type: 'lead', email: 'same@example.com', emailVerified: false });
      expect(typed.emailVerified).toBe(false);
      expect((await db().contacts.findByEmail('same@example.com'))?.id).toBe(typed.id);
      const real = await db().contacts.create({ type: 'lead', email: 'same@example.com' });
      expect((await db().contacts.findByEmail('same@example.com'))?.id).toBe(real.id);
      const bumped = await db().contacts.update(real.id, { tokenEpoch: real.tokenEpoch + 1, emailVerified: false });
      expect(bumped).toMatchObject({ tokenEpoch: real.tokenEpoch + 1, emailVerified: false });
    });
    it('merges a lead into a customer: conversations and history move, the lead is marked and leaves lists', async () => {
      const l = await lead();
      const customer = await db().contacts.create({ type: 'customer', userId: 'merge-1' });
      const sent = await send(l.id, 'from the lead');
      if (sent.status !== 'stored') throw new Error(sent.status);
      await db().contacts.recordSeen(l.id, { deviceId: 'dev-merge' });
      const merged = await db().contacts.merge(l.id, customer.id);
      expect(merged?.lead).toMatchObject({ mergedInto: customer.id, tokenEpoch: l.tokenEpoch + 1 });
      expect((await db().conversations.get(sent.conversation.id))?.contactId).toBe(customer.id);
      expect((await db().conversations.listContactMessages(customer.id, { limit: 10 })).messages.map((m) => m.body)).toEqual(['from the lead']);
      expect((await db().contacts.list({ type: 'all', limit: 50 })).items.map((c) => c.id)).not.toContain(l.id);
      // Merging again, or into itself, does nothing.
      expect(await db().contacts.merge(l.id, customer.id)).toBeNull();
      expect(await db().contacts.merge(customer.id, customer.id)).toBeNull();
      // The customer inherits the lead's devices.
      const other = await lead();
      await db().contacts.recordSeen(other.id, { deviceId: 'dev-merge' });
      expect((await db().contacts.listDeviceSharers(customer.id, 10)).map((c) => c.id)).toEqual([other.id]);
    });
    it('finds a blocked contact by a device it used, only while the block is in force', async () => {
      const a = await lead();
      const b = await lead();
      await db().contacts.recordSeen(a.id, { ip: '192.0.2.1', deviceId: 'dev-a' });
      await db().contacts.recordSeen(a.id, { ip: '192.0.2.1', deviceId: 'dev-a2' });
      const now = new Date().toISOString();
      expect(await db().contacts.findBlockedByDevice('dev-a', now)).toBeNull();
      await db().contacts.setBlocked({ contactId: a.id, blocked: true, actorType: 'api', blockedUntil: new Date(Date.now() + 60_000).toISOString() });
      // Every device the contact used counts, not only the last one.
      expect((await db().contacts.findBlockedByDevice('dev-a', now))?.id).toBe(a.id);
      expect((await db().contacts.findBlockedByDevice('dev-a2', now))?.id).toBe(a.id);
      expect(await db().contacts.findBlockedByDevice('dev-a', now, a.id)).toBeNull();
      expect(await db().contacts.findBlockedByDevice('dev-a', new Date(Date.now() + 120_000).toISOString())).toBeNull();
      expect(await db().contacts.findBlockedByDevice('dev-b', now)).toBeNull();
      await db().contacts.recordSeen(b.id, { deviceId: 'dev-a' });
      expect((await db().contacts.listDeviceSharers(b.id, 10)).map((c) => c.id)).toEqual([a.id]);
    });
    it('refuses sends during a temporary block and reports blockedUntil', async () => {
      const c = await db().contacts.create({ type: 'lead' });
      const until = at(HOUR);
      const r = await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: until });
      expect(r?.contact).toMatchObject({ blocked: true, blockedUntil: until });
      expect((await send(c.id)).status).toBe('blocked');
      expect(await db().contacts.get(c.id)).toMatchObject({ blocked: true, blockedUntil: until });
    });
    it('lets a contact send again once its block has expired, and a new block applies again', async () => {
      const c = await db().contacts.create({ type: 'lead' });
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(-1000) });
      expect((await db().contacts.get(c.id))?.blocked).toBe(false);
      expect((await send(c.id)).status).toBe('stored');
      // Expired counts as unblocked: blocking again is a change, recorded once more.
      const again = await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect(again).toMatchObject({ changed: true, contact: { blocked: true, blockedUntil: null } });
      expect((await send(c.id)).status).toBe('blocked');
      expect((await db().contacts.listBlockEvents(c.id)).map((e) => e.action)).toEqual(['block', 'block']);
    });
    it('changes the expiry of a blocked contact without recording a new block, and clears it on unblock', async () => {
      const c = await db().contacts.create({ type: 'lead' });
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(HOUR) });
      const permanent = await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: null });
      expect(permanent).toMatchObject({ changed: false, contact: { blocked: true, blockedUntil: null } });
      const kept = await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      expect(kept?.contact.blockedUntil).toBeNull();
      expect(await db().contacts.listBlockEvents(c.id)).toHaveLength(1);
      const unblocked = await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
      expect(unblocked?.contact).toMatchObject({ blocked: false, blockedUntil: null });
    });
    it('says when only the expiry of a block changed', async () => {
      const c = await lead();
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(HOUR) });
      expect(await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(2 * HOUR) })).toMatchObject({ changed: false, expiryChanged: true });
      expect((await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' }))?.expiryChanged).toBeUndefined();
    });
    it('reads an expired block as no block at all: no past blockedUntil or blockedAt', async () => {
      const c = await lead();
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(-1000) });
      expect(await db().contacts.get(c.id)).toMatchObject({ blocked: false, blockedAt: null, blockedUntil: null });
    });
    it('hands each expired block to one claim until its lease runs out, and records its end once', async () => {
      const [due, later, permanent] = [await lead(), await lead(), await lead()];
      await db().contacts.setBlocked({ contactId: due.id, blocked: true, actorType: 'api', blockedUntil: at(-1000) });
      await db().contacts.setBlocked({ contactId: later.id, blocked: true, actorType: 'api', blockedUntil: at(HOUR) });
      await db().contacts.setBlocked({ contactId: permanent.id, blocked: true, actorType: 'api' });
      const now = new Date().toISOString();
      expect(await db().contacts.claimExpiredBlocks(now, at(60_000), 10)).toEqual([due.id]);
      // Leased: a second claimer (another process) gets nothing until the lease ends.
      expect(await db().contacts.claimExpiredBlocks(now, at(60_000), 10)).toEqual([]);
      expect(await db().contacts.claimExpiredBlocks(at(61_000), at(120_000), 10)).toEqual([due.id]);
      const ended = await db().contacts.setBlocked({ contactId: due.id, blocked: false, actorType: 'system', reason: 'expired', expiredBy: now });
      expect(ended).toMatchObject({ changed: true, contact: { blocked: false, blockedAt: null, blockedUntil: null } });
      expect((await db().contacts.listBlockEvents(due.id)).map((e) => [e.action, e.actorType])).toEqual([['block', 'api'], ['unblock', 'system']]);
      // Recorded once: a second attempt (a lease that ran out meanwhile) changes nothing.
      expect((await db().contacts.setBlocked({ contactId: due.id, blocked: false, actorType: 'system', expiredBy: now }))?.changed).toBe(false);
      expect(await db().contacts.claimExpiredBlocks(at(200_000), at(300_000), 10)).toEqual([]);
    });
    it('never ends a block by expiry that is in force again (re-blocked or extended)', async () => {
      const c = await lead();
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(-1000) });
      const claimedAt = new Date().toISOString();
      expect(await db().contacts.claimExpiredBlocks(claimedAt, at(60_000), 10)).toEqual([c.id]);
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api', blockedUntil: at(HOUR) });
      expect((await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'system', expiredBy: claimedAt }))?.changed).toBe(false);
      expect((await db().contacts.get(c.id))?.blocked).toBe(true);
    });
    it('takes the creation time the business gives', async () => {
      const c = await db().contacts.create({ type: 'customer', userId: 'old-user', createdAt: '2020-02-02T10:00:00.000Z' });
      expect(c.createdAt).toBe('2020-02-02T10:00:00.000Z');
      expect((await db().contacts.update(c.id, { createdAt: '2019-01-01T00:00:00.000Z' }))?.createdAt).toBe('2019-01-01T00:00:00.000Z');
    });
    it('records where a contact last connected from, keeping what a connection does not say', async () => {
      const c = await db().contacts.create({ type: 'lead' });
      expect(await db().contacts.getSeen(c.id)).toEqual({ ip: null, deviceId: null });
      await db().contacts.recordSeen(c.id, { ip: '203.0.113.7', deviceId: 'dev-1' });
      await db().contacts.recordSeen(c.id, { ip: '203.0.113.8' });
      expect(await db().contacts.getSeen(c.id)).toEqual({ ip: '203.0.113.8', deviceId: 'dev-1' });
      expect(await db().contacts.getSeen('0'.repeat(24))).toBeNull();
      const both = await db().contacts.getWithSeen(c.id);
      expect(both?.contact).toEqual(await db().contacts.get(c.id));
      expect(both?.seen).toEqual({ ip: '203.0.113.8', deviceId: 'dev-1' });
      expect(await db().contacts.getWithSeen('0'.repeat(24))).toBeNull();
    });
    // The block lock with what a plan adds (the core's block, unblock and their audit entries).
    const plan = (rules: BlockRuleInput[], opts: { lift?: boolean; audit?: AuditLogInput; events?: boolean } = {}): BlockPlan => ({
      rules: () => rules,
      lift: () => !!opts.lift,
      after: (result) => ({ audit: opts.audit ?? null, recordAudit: !!opts.events, events: opts.events && result.event ? [{ type: 'contact:blocked', contact: result.contact, event: result.event }] : [] }),
    });
    it('finds the IP and device rules that have not expired, and lifts them by source contact', async () => {
      const a = await db().contacts.create({ type: 'lead' });
      const b = await db().contacts.create({ type: 'lead' });
      const ofA = await db().changeBlock({ contactId: a.id, blocked: true, actorType: 'api' }, plan([
        { kind: 'ip', value: '198.51.100.1', sourceContactId: a.id, expiresAt: at(HOUR) },
        { kind: 'device', value: 'dev-a', sourceContactId: a.id, expiresAt: null },
      ]));
      const ofB = await db().changeBlock({ contactId: b.id, blocked: true, actorType: 'api' }, plan([{ kind: 'ip', value: '198.51.100.2', sourceContactId: b.id, expiresAt: at(-1000) }]));
      const rules = [...ofA!.rules, ...ofB!.rules];
      expect(rules).toHaveLength(3);
      expect(rules[0]).toMatchObject({ kind: 'ip', value: '198.51.100.1', sourceContactId: a.id, id: expect.stringMatching(/^[0-9a-f]{24}$/) });
      const now = new Date().toISOString();
      expect(await db().contacts.findActiveBlockRule({ ip: '198.51.100.1' }, now)).toMatchObject({ kind: 'ip', sourceContactId: a.id });
      expect(await db().contacts.findActiveBlockRule({ ip: '10.0.0.1', deviceId: 'dev-a' }, now)).toMatchObject({ kind: 'device', expiresAt: null });
      expect(await db().contacts.findActiveBlockRule({ ip: '198.51.100.2' }, now)).toBeNull();
      expect(await db().contacts.findActiveBlockRule({ ip: '10.0.0.1' }, now)).toBeNull();
      expect(await db().contacts.findActiveBlockRule({}, now)).toBeNull();
      // What the lock answers is what a read finds.
      expect(await db().contacts.listBlockRules(a.id)).toEqual(ofA!.rules);
      const lifted = await db().changeBlock({ contactId: a.id, blocked: false, actorType: 'api' }, plan([], { lift: true }));
      expect(lifted).toMatchObject({ lifted: 2, result: { changed: true, contact: { blocked: false } } });
      expect(await db().contacts.findActiveBlockRule({ ip: '198.51.100.1', deviceId: 'dev-a' }, now)).toBeNull();
    });
    it('waits for a transaction open on the store, and is no part of it', async () => {
      const c = await db().contacts.create({ type: 'lead', name: 'Before' });
      const tx = await heldOpenRename(db(), c.id, 'Inside');
      const block = db().changeBlock({ contactId: c.id, blocked: true, actorType: 'api' }, plan([]));
      tx.release();
      expect(await tx.outcome).toBe('rolled back');
      expect((await block)?.result.changed).toBe(true);
      expect(await db().contacts.get(c.id)).toMatchObject({ name: 'Before', blocked: true });
    });
    it('writes the audit entry and outbox events of a block change in its transaction, and follows merges when asked', async () => {
      const customer = await db().contacts.create({ type: 'customer', name: 'Cy' });
      const merged = await db().contacts.create({ type: 'lead' });
      await db().contacts.merge(merged.id, customer.id);
      const audit: AuditLogInput = {
        action: 'security.user_banned', domain: 'security', description: 'Contact Cy blocked', actor: { type: 'api_key', id: null, email: null, name: 'PARLEY_API_KEY' },
        resource: { type: 'contact', id: customer.id, name: 'Cy' }, request: { ipAddress: '203.0.113.5', userAgent: 'sdk' }, metadata: { reason: 'spam', rules: [] },
      };
      const done = await db().changeBlock({ contactId: merged.id, followMerges: true, blocked: true, actorType: 'api', reason: 'spam' }, plan([], { audit, events: true }));
      expect(done?.result.contact).toMatchObject({ id: customer.id, blocked: true });
      expect(done?.result.contact).toEqual(await db().contacts.get(customer.id));
      expect(await db().contacts.listBlockEvents(customer.id)).toEqual([done?.result.event]);
      const logged = await db().audit.list({ limit: 5 });
      expect(logged.items).toEqual([done?.audit]);
      expect(done?.audit).toMatchObject({ ...audit, id: expect.stringMatching(/^[0-9a-f]{24}$/) });
      // Both events (the block's and the audit entry's) wait in the outbox.
      const claimed = await db().webhooks.claimEvents(new Date(Date.now() + 1000).toISOString(), new Date(Date.now() + 60_000).toISOString(), 10);
      expect(claimed.map((e) => e.event.type).sort()).toEqual(['audit_log:created', 'contact:blocked']);
      // Without followMerges the merged lead itself is the one changed; an unknown id is null.
      const lead = await db().changeBlock({ contactId: merged.id, blocked: true, actorType: 'api' }, plan([]));
      expect(lead?.result.contact.id).toBe(merged.id);
      expect(await db().changeBlock({ contactId: 'f'.repeat(24), blocked: true, actorType: 'api' }, plan([]))).toBeNull();
    });
  });
}
