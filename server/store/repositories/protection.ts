import { decodeCursor, pageOf } from '../cursor.js';
import { decode, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import { hotRead } from '../hot-reads.js';
import { hasHeld, heldCounted, kyselyExec, protectSignal, runAsync, toHeld, type Protected } from '../protection-sql.js';
import { isBlockedRow } from '../rows.js';
import type {
  HeldMessageQuery, HeldMessageRecord, Page, ProtectionCheck, ProtectionEventQuery, ProtectionEventRecord, ProtectionRuleInput, ProtectionRulePatch,
  ProtectionRuleRecord,
} from '../store.js';

type Row = Record<string, any>;

const toRule = (r: Row): ProtectionRuleRecord => ({
  id: r.id, name: r.name, description: r.description ?? null, mode: r.mode, conditions: decode.json(r.conditions), action: decode.json(r.action),
  preset: r.preset ?? null, createdAt: decode.time(r.created_at)!, updatedAt: decode.time(r.updated_at)!,
});

const toEvent = (r: Row): ProtectionEventRecord => ({
  id: r.id, ruleId: r.rule_id, ruleName: r.rule_name, mode: r.mode, action: r.action, trigger: r.trigger_kind, contactId: r.contact_id,
  excerpt: r.excerpt ?? null, createdAt: decode.time(r.created_at)!,
});

/** Protection rules, the messages they held, what they did (or would have), and the rate-limit hits they count. */
export class ProtectionRepository {
  constructor(private readonly c: Conn) {}

  /** Every rule, oldest first (the order they are evaluated and listed in). */
  async listRules(): Promise<ProtectionRuleRecord[]> {
    const rows = await this.c.db.selectFrom('protection_rules').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toRule);
  }

  async getRule(id: string): Promise<ProtectionRuleRecord | null> {
    const r = await this.c.db.selectFrom('protection_rules').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRule(r) : null;
  }

  async countRules(): Promise<number> {
    const r = await this.c.db.selectFrom('protection_rules').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async createRule(input: ProtectionRuleInput): Promise<ProtectionRuleRecord> {
    const now = new Date().toISOString();
    const row = await this.c.db.insertInto('protection_rules').values({
      id: newObjectId(), name: input.name, description: input.description, mode: input.mode, conditions: JSON.stringify(input.conditions),
      action: JSON.stringify(input.action), preset: input.preset, created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    return toRule(row);
  }

  async updateRule(id: string, patch: ProtectionRulePatch): Promise<ProtectionRuleRecord | null> {
    const set = Object.fromEntries(Object.entries({
      name: patch.name, description: patch.description, mode: patch.mode,
      conditions: patch.conditions && JSON.stringify(patch.conditions), action: patch.action && JSON.stringify(patch.action),
    }).filter(([, v]) => v !== undefined));
    const r = await this.c.db.updateTable('protection_rules').set({ ...set, updated_at: new Date().toISOString() }).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toRule(r) : null;
  }

  async deleteRule(id: string): Promise<boolean> {
    const r = await this.c.db.deleteFrom('protection_rules').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Held messages, newest first. */
  async listHeld(q: HeldMessageQuery): Promise<Page<HeldMessageRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const rows = await this.c.db.selectFrom('held_messages').selectAll().select(this.c.seq.as('seq')).where(this.c.seq, '<', before)
      .$if(!!q.contactId, (qb) => qb.where('contact_id', '=', q.contactId!))
      .orderBy(this.c.seq, 'desc').limit(q.limit + 1).execute();
    return pageOf(rows, q.limit, toHeld);
  }

  async getHeld(id: string): Promise<HeldMessageRecord | null> {
    const r = await this.c.db.selectFrom('held_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toHeld(r) : null;
  }

  /** Removes a held message (released or discarded); the record as it was, or null if already gone. */
  takeHeld(id: string): Promise<HeldMessageRecord | null> {
    return this.c.tx(async (c) => {
      const r = await c.db.deleteFrom('held_messages').where('id', '=', id).returningAll().executeTakeFirst();
      if (!r) return null;
      await kyselyExec(c)(heldCounted(r.contact_id, -1));
      return toHeld(r);
    });
  }

  /** Whether the contact has held messages now: one key lookup (kept by the hold and the review). */
  async hasHeld(contactId: string): Promise<boolean> {
    // Every history fetch asks: a page-view hot read (hot-reads.ts).
    return (await hotRead(this.c, hasHeld(contactId))).length > 0;
  }

  /** What rules did or would have done, newest first. */
  async listEvents(q: ProtectionEventQuery): Promise<Page<ProtectionEventRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const rows = await this.c.db.selectFrom('protection_events').selectAll().select(this.c.seq.as('seq')).where(this.c.seq, '<', before)
      .$if(!!q.ruleId, (qb) => qb.where('rule_id', '=', q.ruleId!))
      .$if(!!q.mode, (qb) => qb.where('mode', '=', q.mode!))
      .orderBy(this.c.seq, 'desc').limit(q.limit + 1).execute();
    return pageOf(rows, q.limit, toEvent);
  }

  /** Drops rule events older than `before` (retention); returns how many. */
  async pruneEvents(before: string): Promise<number> {
    const r = await this.c.db.deleteFrom('protection_events').where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /**
   * Records a rate-limit hit of the contact and runs the rules that count them, in one
   * transaction under the contact's row lock (as a block and a send take it): a block
   * decided here is ordered with every send. Null: nothing to do (no such contact, already
   * blocked, or no rule acted).
   */
  rateLimited(contactId: string, check: ProtectionCheck): Promise<Protected | null> {
    return this.c.tx(async (c) => {
      const row = await c.dialect.lock(c.db.selectFrom('contacts').selectAll().where('id', '=', contactId)).executeTakeFirst();
      if (!row || isBlockedRow(row)) return null;
      return runAsync(protectSignal(check, row, c.dialect.flag), kyselyExec(c));
    });
  }
}
