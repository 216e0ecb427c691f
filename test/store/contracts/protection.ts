import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ProtectionRuleCreateInput } from '../../../protocol/schemas/protection.js';
import { checkOf, compileRule } from '../../../server/core/protection-rules.js';
import { postgresDialect, sqliteDialect } from '../../../server/store/dialect.js';
import type { KyselyStore } from '../../../server/store/kysely-store.js';
import { migrations } from '../../../server/store/migrations.js';
import type { ProtectionCheck, ProtectionFacts, ProtectionRuleRecord } from '../../../server/store/store.js';
import { storePerTest, type Backend } from './backend.js';

/** Protection: rules as rows, rules run in the append transaction, held messages, rule events, rate-limit hits. Run on every backend unchanged. */
export function runProtectionContract(backend: Backend) {
  describe(`protection repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    const lead = () => db().contacts.create({ type: 'lead' });
    const rule = (fields: Omit<ProtectionRuleCreateInput, 'mode'> & { mode?: ProtectionRuleRecord['mode'] }) =>
      db().protection.createRule({ description: null, preset: null, mode: 'enforce', ...fields });
    const checkFor = async (...rules: ProtectionRuleRecord[]): Promise<ProtectionCheck> =>
      checkOf(rules.map(compileRule), { held: false, blocked: false });
    const send = (authorId: string, body: string, protection?: ProtectionCheck, clientId?: string) =>
      db().conversations.appendMessage({ authorType: 'lead', authorId, body, messageType: 'reply', clientId: clientId ?? null, protection });

    it('stores rules with their conditions and action as data, and updates and deletes them', async () => {
      const r = await rule({ name: 'links', conditions: [{ type: 'links', min: 3 }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } });
      expect(await db().protection.getRule(r.id)).toEqual(r);
      const u = await db().protection.updateRule(r.id, { mode: 'dry_run', action: { type: 'temporary_block', seconds: 60 } });
      expect(u).toMatchObject({ mode: 'dry_run', action: { type: 'temporary_block', seconds: 60 }, conditions: r.conditions });
      expect(await db().protection.countRules()).toBe(1);
      expect(await db().protection.deleteRule(r.id)).toBe(true);
      expect(await db().protection.listRules()).toEqual([]);
      expect(await db().protection.updateRule(r.id, { name: 'x' })).toBeNull();
    });

    it('holds a message instead of storing it: no conversation, no message; a resend answers with the held one', async () => {
      const c = await lead();
      const check = await checkFor(await rule({ name: 'casino', conditions: [{ type: 'words', words: ['casino'] }], action: { type: 'hold' } }));
      const held = await send(c.id, 'best CASINO online', check, 'k1');
      expect(held).toMatchObject({ status: 'held', duplicate: false, held: { body: 'best CASINO online', clientId: 'k1', contactId: c.id, conversationId: null } });
      const again = await send(c.id, 'best CASINO online', check, 'k1');
      expect(again).toMatchObject({ status: 'held', duplicate: true });
      if (held.status !== 'held' || again.status !== 'held') return;
      expect(again.held.id).toBe(held.held.id);
      expect((await db().conversations.list({ limit: 10, contactId: c.id })).items).toEqual([]);
      expect((await db().conversations.listContactMessages(c.id, { limit: 10 })).messages).toEqual([]);
      const page = await db().protection.listHeld({ limit: 10 });
      expect(page.items.map((h) => h.id)).toEqual([held.held.id]);
      // A message no rule matches is stored as usual.
      expect(await send(c.id, 'hello', check)).toMatchObject({ status: 'stored' });
      expect((await db().protection.takeHeld(held.held.id))?.id).toBe(held.held.id);
      expect(await db().protection.takeHeld(held.held.id)).toBeNull();
    });

    it('counts held copies as repeats, so a flood stays held past the threshold', async () => {
      const c = await lead();
      const rules = [await rule({ name: 'repeat', conditions: [{ type: 'repeated', count: 3, windowSeconds: 60 }], action: { type: 'hold' } })];
      expect(await send(c.id, 'BUY', await checkFor(...rules))).toMatchObject({ status: 'stored' });
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await send(c.id, 'BUY now', await checkFor(...rules))).status);
      expect(statuses).toEqual(['stored', 'stored', 'held', 'held', 'held', 'held']);
    });

    it('counts copies sent in a row from the contact\'s state row: another text in between starts anew', async () => {
      const c = await lead();
      const check = await checkFor(await rule({ name: 'repeat', conditions: [{ type: 'repeated', count: 3, windowSeconds: 60 }], action: { type: 'hold' } }));
      const statuses = [];
      for (const body of ['spam', 'spam', 'other', 'spam', 'spam', 'spam', 'spam']) statuses.push((await send(c.id, body, check)).status);
      expect(statuses).toEqual(['stored', 'stored', 'stored', 'stored', 'stored', 'held', 'held']);
      // Another contact's copies are its own.
      const d = await lead();
      expect((await send(d.id, 'spam', check)).status).toBe('stored');
    });

    it('counts copies sent at once as it counts them one after the other (one append transaction on SQLite)', async () => {
      const c = await lead();
      const check = await checkFor(await rule({ name: 'repeat', conditions: [{ type: 'repeated', count: 3, windowSeconds: 60 }], action: { type: 'hold' } }));
      const statuses = (await Promise.all([0, 1, 2, 3].map((i) => send(c.id, 'flood', check, `f${i}`)))).map((r) => r.status);
      expect(statuses.sort()).toEqual(['held', 'held', 'stored', 'stored']);
      expect(await db().protection.hasHeld(c.id)).toBe(true);
      // Written at the end of that transaction: the next one goes on counting.
      expect((await send(c.id, 'flood', check)).status).toBe('held');
    });

    it('does not count a resend of a stored message as a copy, nor answer it but as a duplicate', async () => {
      const c = await lead();
      const check = await checkFor(await rule({ name: 'repeat', conditions: [{ type: 'repeated', count: 4, windowSeconds: 60 }], action: { type: 'hold' } }));
      expect((await Promise.all([send(c.id, 'again', check, 'r0'), send(c.id, 'again', check, 'r1')])).map((r) => r.status)).toEqual(['stored', 'stored']);
      expect((await Promise.all([send(c.id, 'again', check, 'r0'), send(c.id, 'again', check, 'r1')])).map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
      // The third copy, not the fifth.
      expect((await send(c.id, 'again', check, 'r2')).status).toBe('stored');
      expect((await send(c.id, 'again', check, 'r3')).status).toBe('held');
    });

    it('keeps whether a contact has held messages in the hold and review transactions, and moves it with a merged lead', async () => {
      const c = await lead();
      const check = await checkFor(await rule({ name: 'casino', conditions: [{ type: 'words', words: ['casino'] }], action: { type: 'hold' } }));
      expect(await db().protection.hasHeld(c.id)).toBe(false);
      const first = await send(c.id, 'casino one', check);
      const second = await send(c.id, 'casino two', check);
      expect(await db().protection.hasHeld(c.id)).toBe(true);
      if (first.status !== 'held' || second.status !== 'held') throw new Error('not held');
      await db().protection.takeHeld(first.held.id);
      expect(await db().protection.hasHeld(c.id)).toBe(true);
      const customer = await db().contacts.create({ type: 'customer', userId: 'held-merge' });
      await db().contacts.merge(c.id, customer.id);
      expect(await db().protection.hasHeld(c.id)).toBe(false);
      expect(await db().protection.hasHeld(customer.id)).toBe(true);
      expect(await db().protection.getHeld(second.held.id)).toMatchObject({ contactId: customer.id, authorId: customer.id, authorType: 'customer' });
      await db().protection.takeHeld(second.held.id);
      expect(await db().protection.hasHeld(customer.id)).toBe(false);
    });

    it('fills the per-contact state from the block history and held messages when migration 13 runs on an existing database', async () => {
      const store = db() as KyselyStore;
      const c = await lead();
      for (const blocked of [true, false, true, false]) await db().contacts.setBlocked({ contactId: c.id, blocked, actorType: 'api' });
      const check = await checkFor(await rule({ name: 'casino', conditions: [{ type: 'words', words: ['casino'] }], action: { type: 'hold' } }));
      expect(await send(c.id, 'casino', check)).toMatchObject({ status: 'held' });
      // Back to before migration 13 (its table gone), then run it again: later migrations stay
      // applied, so its `up` runs on its own rather than through the migrator.
      await store.db.schema.dropTable('protection_contact_state').execute();
      await migrations(store.kind === 'postgres' ? postgresDialect : sqliteDialect)['0013_protection_contact_state']!.up(store.db as Kysely<any>);
      expect(await db().protection.hasHeld(c.id)).toBe(true);
      let seen: ProtectionFacts | null = null;
      const needs = { history: false, sameTextSeconds: 0, sameTextKeep: 0, rateHitsSeconds: 0, leadsByIpSeconds: 0, leadsByDeviceSeconds: 0, blocks: true };
      const spy: ProtectionCheck = {
        plan: () => ({ needs, decide: (facts) => ((seen = facts), { act: null, matched: [] }) }),
        most: needs,
        recordHeld: false,
        recordBlocked: false,
      };
      await send(c.id, 'hello', spy);
      const unblocks = (await db().contacts.listBlockEvents(c.id)).filter((e) => e.action === 'unblock');
      expect(seen).toMatchObject({ blockCount: 2, lastUnblockAt: unblocks[1].createdAt });
    });

    it('blocks the author in the append transaction: history names the rule, later sends are refused', async () => {
      const c = await lead();
      const r = await rule({ name: 'temp', conditions: [{ type: 'pattern', pattern: 'free\\s+money', caseInsensitive: true }], action: { type: 'temporary_block', seconds: 3600 } });
      const check = await checkFor(r);
      const out = await send(c.id, 'FREE   money!', check);
      expect(out).toMatchObject({ status: 'blocked_by_rule', contact: { id: c.id, blocked: true }, event: { actorType: 'rule', actorId: r.id }, firing: { ruleId: r.id } });
      if (out.status !== 'blocked_by_rule') return;
      expect(Date.parse(out.contact.blockedUntil!) - Date.now()).toBeGreaterThan(3500_000);
      expect(await send(c.id, 'anything')).toEqual({ status: 'blocked' });
      const history = await db().contacts.listBlockEvents(c.id);
      expect(history).toMatchObject([{ action: 'block', actorType: 'rule', actorId: r.id, reason: expect.stringContaining('"temp"') }]);
      expect((await db().conversations.listContactMessages(c.id, { limit: 10 })).messages).toEqual([]);
    });

    it('logs dry-run matches without acting, next to what enforced rules did', async () => {
      const c = await lead();
      const dry = await rule({ name: 'dry', mode: 'dry_run', conditions: [{ type: 'length', max: 5 }], action: { type: 'block' } });
      const check = await checkFor(dry);
      expect(await send(c.id, 'hey', check)).toMatchObject({ status: 'stored' });
      expect(await send(c.id, 'a longer message', check)).toMatchObject({ status: 'stored' });
      const events = await db().protection.listEvents({ limit: 10, mode: 'dry_run' });
      expect(events.items).toMatchObject([{ ruleId: dry.id, mode: 'dry_run', action: 'block', trigger: 'message', contactId: c.id, excerpt: 'hey' }]);
      // Retention drops what is older than the cut-off, and only that.
      expect(await db().protection.pruneEvents(new Date(Date.now() - 60_000).toISOString())).toBe(0);
      expect(await db().protection.pruneEvents(new Date(Date.now() + 60_000).toISOString())).toBe(1);
      expect((await db().contacts.get(c.id))?.blocked).toBe(false);
      expect((await db().protection.listEvents({ limit: 10, mode: 'enforce' })).items).toEqual([]);
    });

    it('records rate-limit hits under the contact lock and blocks on the one that reaches the count', async () => {
      const c = await lead();
      const r = await rule({ name: 'hits', conditions: [{ type: 'rateLimitHits', count: 3, windowSeconds: 600 }], action: { type: 'temporary_block', seconds: 60 } });
      const check = await checkFor(r);
      expect(await db().protection.rateLimited(c.id, check)).toBeNull();
      expect(await db().protection.rateLimited(c.id, check)).toBeNull();
      const third = await db().protection.rateLimited(c.id, check);
      expect(third).toMatchObject({ status: 'blocked_by_rule', contact: { blocked: true }, event: { actorType: 'rule', actorId: r.id } });
      // Already blocked: nothing more is recorded.
      expect(await db().protection.rateLimited(c.id, check)).toBeNull();
      expect(await db().protection.rateLimited('0'.repeat(24), check)).toBeNull();
    });

    it('judges behaviour and the contact: new leads per address, right after an unblock, earlier blocks, age', async () => {
      const statusOf = async (contactId: string, conditions: ProtectionRuleCreateInput['conditions']) => {
        const r = await rule({ name: 'probe', conditions, action: { type: 'hold' } });
        const out = (await send(contactId, 'probe message', await checkFor(r))).status;
        await db().protection.deleteRule(r.id);
        return out;
      };
      const leads = [await lead(), await lead(), await lead()];
      for (const l of leads) await db().contacts.recordSeen(l.id, { ip: '198.51.100.7', deviceId: 'dev-1' });
      const [c] = leads;
      expect(await statusOf(c.id, [{ type: 'newLeads', by: 'ip', count: 3, windowSeconds: 60 }])).toBe('held');
      expect(await statusOf(c.id, [{ type: 'newLeads', by: 'ip', count: 4, windowSeconds: 60 }])).toBe('stored');
      expect(await statusOf(c.id, [{ type: 'newLeads', by: 'device', count: 3, windowSeconds: 60 }])).toBe('held');
      expect(await statusOf(c.id, [{ type: 'contactAge', maxSeconds: 60 }])).toBe('held');
      expect(await statusOf(c.id, [{ type: 'contactType', contactType: 'customer' }])).toBe('stored');
      expect(await statusOf(c.id, [{ type: 'afterUnblock', withinSeconds: 60 }])).toBe('stored');
      expect(await statusOf(c.id, [{ type: 'earlierBlocks', min: 1 }])).toBe('stored');
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
      expect(await statusOf(c.id, [{ type: 'afterUnblock', withinSeconds: 60 }, { type: 'earlierBlocks', min: 1 }])).toBe('held');
      expect(await statusOf(c.id, [{ type: 'earlierBlocks', min: 2 }])).toBe('stored');
      // A link counts from the message that carries one, with the earlier ones since an agent's reply.
      const l = leads[1];
      expect(await send(l.id, 'see www.a.example and https://b.example')).toMatchObject({ status: 'stored' });
      expect(await statusOf(l.id, [{ type: 'links', min: 3 }])).toBe('stored');
      const linkRule = await checkFor(await rule({ name: 'links', conditions: [{ type: 'links', min: 3 }], action: { type: 'hold' } }));
      expect(await send(l.id, 'and http://c.example', linkRule)).toMatchObject({ status: 'held' });
      const conversation = (await db().conversations.list({ limit: 1, contactId: l.id })).items[0];
      await db().conversations.appendMessage({ authorType: 'admin', authorId: 'a'.repeat(24), conversationId: conversation.id, body: 'answered', messageType: 'reply' });
      expect(await send(l.id, 'one more http://d.example', linkRule)).toMatchObject({ status: 'stored' });
    });

    it('reads a contact\'s blocks for a rule that looks at them when an earlier send of the same transaction had rules that did not', async () => {
      const c = await lead();
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
      const lengthOnly = await checkFor(await rule({ name: 'long', conditions: [{ type: 'length', min: 5000 }], action: { type: 'hold' } }));
      const blocks = await checkFor(await rule({ name: 'blocked before', conditions: [{ type: 'earlierBlocks', min: 1 }], action: { type: 'hold' } }));
      // Sent at once: one append transaction on SQLite, whose first send reads the contact for rules without blocks.
      const [first, second] = await Promise.all([send(c.id, 'first', lengthOnly, 'b1'), send(c.id, 'second', blocks, 'b2')]);
      expect(first.status).toBe('stored');
      expect(second.status).toBe('held');
    });

    it('hands the rules the facts they need: recent messages newest first, block history, new leads per address', async () => {
      const c = await lead();
      await db().contacts.recordSeen(c.id, { ip: '203.0.113.9', deviceId: 'dev-facts' });
      const other = await lead();
      await db().contacts.recordSeen(other.id, { ip: '203.0.113.9', deviceId: 'dev-facts' });
      await send(c.id, 'one');
      await db().contacts.setBlocked({ contactId: c.id, blocked: true, actorType: 'api' });
      await db().contacts.setBlocked({ contactId: c.id, blocked: false, actorType: 'api' });
      let seen: ProtectionFacts | null = null;
      const needs = { history: true, sameTextSeconds: 60, sameTextKeep: 10, rateHitsSeconds: 0, leadsByIpSeconds: 600, leadsByDeviceSeconds: 600, blocks: true };
      const spy: ProtectionCheck = {
        plan: () => ({ needs, decide: (facts) => ((seen = facts), { act: null, matched: [] }) }),
        most: needs,
        recordHeld: false,
        recordBlocked: false,
      };
      expect(await send(c.id, 'two', spy)).toMatchObject({ status: 'stored' });
      expect(seen).toMatchObject({ body: 'two', trigger: 'message', contact: { id: c.id, type: 'lead' }, recent: [{ body: 'one', held: false }], sameTextAt: [] });
      expect(seen).toMatchObject({ blockCount: 1, lastUnblockAt: expect.any(String) });
      // Both lists of times come with the state row in one read: each its own, newest first.
      const created = [c.createdAt, other.createdAt].sort().reverse();
      expect(seen!.leadsByIpAt).toEqual(created);
      expect(seen!.leadsByDeviceAt).toEqual(created);
    });
  });
}
