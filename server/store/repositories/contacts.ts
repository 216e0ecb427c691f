import { sql } from 'kysely';
import { decodeCursor, pageOf } from '../cursor.js';
import { decode, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import { likePattern } from '../inbox-query.js';
import { blockSqlDialect, changeBlock } from '../block-sql.js';
import { heldMoved, kyselyExec, runAsync } from '../protection-sql.js';
import { hotRead } from '../hot-reads.js';
import { toBlockEvent, toContact } from '../rows.js';
import type {
  BlockRuleRecord, ContactInput, ContactPatch, ContactQuery, ContactRecord, ContactSearch, ContactSearchPage, ContactSeen, Page, SetBlockedInput,
  SetBlockedResult,
} from '../store.js';

type Row = Record<string, any>;

const toRule = (r: Row): BlockRuleRecord => ({
  id: r.id, kind: r.kind, value: r.value, sourceContactId: r.source_contact_id, expiresAt: decode.time(r.expires_at), createdAt: decode.time(r.created_at)!,
});

/** Contacts, their blocks (history, IP and device rules), devices and lead-to-customer merges. */
export class ContactsRepository {
  constructor(private readonly c: Conn) {}

  async create(input: ContactInput): Promise<ContactRecord> {
    const row = await this.c.db.insertInto('contacts').values({
      id: newObjectId(),
      type: input.type,
      user_id: input.userId ?? null,
      email: input.email ?? null,
      name: input.name ?? null,
      profile_picture: input.profilePicture ?? null,
      custom_fields: JSON.stringify(input.customFields ?? {}),
      locale: input.locale ?? null,
      email_verified: this.c.dialect.flag(input.emailVerified !== false),
      created_at: input.createdAt ?? new Date().toISOString(),
    }).returningAll().executeTakeFirstOrThrow();
    return toContact(row);
  }

  async get(id: string): Promise<ContactRecord | null> {
    const r = await this.c.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toContact(r) : null;
  }

  /** The contacts with these ids, in one query; unknown ids are left out. */
  async getMany(ids: readonly string[]): Promise<ContactRecord[]> {
    if (!ids.length) return [];
    const rows = await this.c.db.selectFrom('contacts').selectAll().where('id', 'in', [...ids]).execute();
    return rows.map(toContact);
  }

  async findByUserId(userId: string): Promise<ContactRecord | null> {
    const r = await this.c.db.selectFrom('contacts').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r ? toContact(r) : null;
  }

  /** Verified emails first: an upsert never adopts a contact by an email a visitor typed. */
  async findByEmail(email: string): Promise<ContactRecord | null> {
    const r = await this.c.db.selectFrom('contacts').selectAll().where('email', '=', email).where('merged_into', 'is', null)
      .orderBy('email_verified', 'desc').orderBy(this.c.seq).limit(1).executeTakeFirst();
    return r ? toContact(r) : null;
  }

  async update(id: string, patch: ContactPatch): Promise<ContactRecord | null> {
    const set = {
      type: patch.type,
      user_id: patch.userId,
      email: patch.email,
      name: patch.name,
      profile_picture: patch.profilePicture,
      custom_fields: patch.customFields === undefined ? undefined : JSON.stringify(patch.customFields ?? {}),
      locale: patch.locale,
      created_at: patch.createdAt,
      last_activity: patch.lastActivity,
      email_verified: patch.emailVerified === undefined ? undefined : this.c.dialect.flag(patch.emailVerified),
      token_epoch: patch.tokenEpoch,
    };
    const given = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
    if (!Object.keys(given).length) return this.get(id);
    const r = await this.c.db.updateTable('contacts').set(given).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toContact(r) : null;
  }

  /** Deletes the contact with its conversations and messages. */
  async delete(id: string): Promise<boolean> {
    const r = await this.c.db.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async list(q: ContactQuery): Promise<Page<ContactRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const rows = await this.c.db.selectFrom('contacts').selectAll().select(this.c.seq.as('seq'))
      .where(this.c.seq, '<', before).where('merged_into', 'is', null)
      .$if(q.type !== 'all', (qb) => qb.where('type', '=', q.type as ContactRecord['type']))
      .$if(!!q.search?.trim(), (qb) => {
        const like = likePattern(q.search!.trim());
        return qb.where(sql<boolean>`(lower(name) LIKE lower(${like}) ESCAPE '\\' OR lower(email) LIKE lower(${like}) ESCAPE '\\' OR lower(user_id) LIKE lower(${like}) ESCAPE '\\')`);
      })
      .orderBy(this.c.seq, 'desc').limit(q.limit + 1).execute();
    return pageOf(rows, q.limit, toContact);
  }

  /**
   * Contacts matching every filter (merged leads never), in the sort order with the sequence
   * as tie-break, after the row `q.after` names; counts the matches up to `countCap`.
   */
  async search(q: ContactSearch, countCap: number): Promise<ContactSearchPage> {
    const { db, dialect } = this.c;
    const key = q.sort.field === 'seq' ? null : q.sort.field === 'createdAt' ? sql<string>`created_at` : sql<string>`coalesce(last_activity, created_at)`;
    const base = db.selectFrom('contacts').where('merged_into', 'is', null).where((eb) => eb.and(q.filters.map((f) => {
      switch (f.kind) {
        case 'in': {
          const column = ({ userId: 'user_id', email: 'email', name: 'name', type: 'type' } as const)[f.field];
          // A negation also matches contacts without the field (as an absent field does not equal it).
          return f.negate ? eb.or([eb(column, 'is', null), eb(column, 'not in', f.values)]) : eb(column, 'in', f.values);
        }
        case 'contains':
          return sql<boolean>`lower(name) LIKE lower(${likePattern(f.value)}) ESCAPE '\\'`;
        case 'company': {
          const linked = eb.exists(eb.selectFrom('contact_companies as l').innerJoin('companies as co', 'co.id', 'l.company_id').select('l.contact_id')
            .whereRef('l.contact_id', '=', 'contacts.id').where('co.id', 'in', f.companyIds));
          return f.negate ? eb.not(linked) : linked;
        }
        case 'time': {
          const column = f.field === 'createdAt' ? sql<string>`created_at` : sql<string>`coalesce(last_activity, created_at)`;
          const inRange = eb.and([...(f.from ? [eb(column, '>=', f.from)] : []), ...(f.until ? [eb(column, '<', f.until)] : [])]);
          return f.negate ? eb.not(inRange) : inRange;
        }
        case 'blocked': {
          const inForce = eb.and([eb('blocked', '=', dialect.flag(true)), eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '>', f.now)])]);
          return f.value ? inForce : eb.not(inForce);
        }
      }
    })));
    const counted = await db.selectFrom(base.select(sql.lit(1).as('one')).limit(countCap).as('m')).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const desc = q.sort.direction === 'desc';
    const page = await base.selectAll().select(this.c.seq.as('seq')).$if(key !== null, (qb) => qb.select(key!.as('sort_key')))
      .$if(!!q.after, (qb) => qb.where((eb) => {
        const { value, seq } = q.after!;
        const past = eb(this.c.seq, desc ? '<' : '>', seq);
        return key === null || value === null ? past : eb.or([eb(key, desc ? '<' : '>', value), eb.and([eb(key, '=', value), past])]);
      }))
      .$if(key !== null, (qb) => qb.orderBy(key!, q.sort.direction))
      .orderBy(this.c.seq, q.sort.direction).limit(q.limit + 1).execute();
    const items = page.slice(0, q.limit);
    const lastRow = page.length > q.limit ? items[items.length - 1] : null;
    return {
      items: items.map(toContact),
      last: lastRow ? { value: key === null ? null : decode.time(lastRow.sort_key), seq: String(lastRow.seq) } : null,
      total: Number(counted.n),
    };
  }

  /**
   * Sets the block state and records a block event in one transaction, if it changed. The
   * contact row is locked first (PostgreSQL), as every append by that contact does: a block
   * and a send are serialised across every process on the database.
   */
  /** The block lock alone (no audit entry, rules or outbox): see block-sql.ts. */
  async setBlocked(input: SetBlockedInput): Promise<SetBlockedResult | null> {
    const done = await this.c.tx((c) => runAsync(changeBlock(input, { after: () => ({ audit: null, recordAudit: false, events: [] }) }, blockSqlDialect(c.dialect)), kyselyExec(c)));
    return done?.result ?? null;
  }

  /**
   * Claims up to `limit` blocks whose expiry passed by `now` and that no live claim holds, until
   * `leaseUntil`: the caller records their end (setBlocked with `expiredBy`). A process that
   * dies leaves its claims to run out and be taken again.
   */
  claimExpiredBlocks(now: string, leaseUntil: string, limit: number): Promise<string[]> {
    return this.c.tx(async ({ db, dialect }) => {
      const due = await dialect.claim(db.selectFrom('contacts').select('id')
        .where('blocked', '=', dialect.flag(true)).where('blocked_until', '<=', now)
        .where((eb) => eb.or([eb('block_expiry_lease', 'is', null), eb('block_expiry_lease', '<=', now)]))
        .orderBy('blocked_until').limit(limit)).execute();
      const ids = due.map((r) => r.id);
      if (ids.length) await db.updateTable('contacts').set({ block_expiry_lease: leaseUntil }).where('id', 'in', ids).execute();
      return ids;
    });
  }

  async listBlockEvents(contactId: string) {
    const rows = await this.c.db.selectFrom('block_events').selectAll().where('contact_id', '=', contactId)
      .orderBy('created_at').orderBy(this.c.seq).execute();
    return rows.map(toBlockEvent);
  }

  /**
   * Lead-to-customer rollup, in one transaction: the lead's conversations, messages and held
   * messages move to the customer, the lead is marked merged (it leaves lists) and its token epoch bumped.
   * Null when either contact is missing or the lead was merged already.
   */
  merge(leadId: string, customerId: string): Promise<{ lead: ContactRecord; customer: ContactRecord } | null> {
    if (leadId === customerId) return Promise.resolve(null);
    return this.c.tx(async (c) => {
      const { db, dialect } = c;
      // Both rows locked in id order (sends and blocks lock their contact row first), so a
      // block or a send of either side is ordered before or after the whole merge.
      const locked = await dialect.lock(db.selectFrom('contacts').selectAll().where('id', 'in', [leadId, customerId]).orderBy('id')).execute();
      const lead = locked.find((r) => r.id === leadId);
      if (!lead || lead.merged_into || !locked.some((r) => r.id === customerId)) return null;
      await db.updateTable('conversations').set({ contact_id: customerId }).where('contact_id', '=', leadId).execute();
      await db.updateTable('messages').set({ contact_id: customerId }).where('contact_id', '=', leadId).execute();
      // Held messages go too, as the customer's own: released later, they land in its conversations.
      await db.updateTable('held_messages').set({ contact_id: customerId, author_id: customerId, author_type: 'customer' }).where('contact_id', '=', leadId).execute();
      for (const stmt of heldMoved(leadId, customerId)) await kyselyExec(c)(stmt);
      await db.insertInto('contact_devices')
        .columns(['contact_id', 'device_id', 'linked_at'])
        .expression(db.selectFrom('contact_devices').select([sql.val(customerId).as('contact_id'), 'device_id', 'linked_at']).where('contact_id', '=', leadId))
        .onConflict((oc) => oc.doNothing()).execute();
      await db.updateTable('contacts').set((eb) => ({ merged_into: customerId, token_epoch: eb('token_epoch', '+', 1) })).where('id', '=', leadId).execute();
      const after = await db.selectFrom('contacts').selectAll().where('id', 'in', [leadId, customerId]).execute();
      const byId = new Map(after.map((r) => [r.id, toContact(r)]));
      return { lead: byId.get(leadId)!, customer: byId.get(customerId)! };
    });
  }

  /** A contact other than `excludeId` seen with this device whose block is in force at `now`. */
  async findBlockedByDevice(deviceId: string, now: string, excludeId?: string): Promise<ContactRecord | null> {
    const r = await this.c.db.selectFrom('contact_devices as d').innerJoin('contacts as c', 'c.id', 'd.contact_id').selectAll('c')
      .where('d.device_id', '=', deviceId).where('c.id', '!=', excludeId ?? '').where('c.blocked', '=', this.c.dialect.flag(true))
      .where((eb) => eb.or([eb('c.blocked_until', 'is', null), eb('c.blocked_until', '>', now)]))
      .orderBy('d.linked_at', 'desc').limit(1).executeTakeFirst();
    return r ? toContact(r) : null;
  }

  /** Other contacts (not merged) that used one of this contact's devices, most recent first. */
  async listDeviceSharers(contactId: string, limit: number): Promise<ContactRecord[]> {
    const rows = await this.c.db.selectFrom('contacts as c')
      .innerJoin(
        (eb) => eb.selectFrom('contact_devices as mine')
          .innerJoin('contact_devices as other', (j) => j.onRef('other.device_id', '=', 'mine.device_id').onRef('other.contact_id', '!=', 'mine.contact_id'))
          .select(['other.contact_id', (e) => e.fn.max('other.linked_at').as('seen')])
          .where('mine.contact_id', '=', contactId).groupBy('other.contact_id').as('s'),
        (j) => j.onRef('s.contact_id', '=', 'c.id'),
      )
      .selectAll('c').where('c.merged_into', 'is', null).orderBy('s.seen', 'desc').limit(limit).execute();
    return rows.map(toContact);
  }

  /** Where a contact last connected from; a new device is also linked (every device it used). */
  async recordSeen(id: string, seen: Partial<ContactSeen>): Promise<void> {
    const ip = seen.ip ?? null;
    const deviceId = seen.deviceId ?? null;
    // Writes only when something changed: a reconnect costs a read, not a row version.
    const r = await this.c.db.updateTable('contacts')
      .set({ last_ip: sql`coalesce(${ip}, last_ip)`, last_device_id: sql`coalesce(${deviceId}, last_device_id)` })
      .where('id', '=', id)
      .where(sql<boolean>`(last_ip IS DISTINCT FROM coalesce(${ip}, last_ip) OR last_device_id IS DISTINCT FROM coalesce(${deviceId}, last_device_id))`)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0 && deviceId) {
      await this.c.db.insertInto('contact_devices').values({ contact_id: id, device_id: deviceId, linked_at: new Date().toISOString() })
        .onConflict((oc) => oc.doNothing()).execute();
    }
  }

  /** The contact and where it last connected from, in one read (a returning visitor's connect). */
  async getWithSeen(id: string): Promise<{ contact: ContactRecord; seen: ContactSeen } | null> {
    // Every returning visitor's connect reads it: a measured hot path (hot-reads.ts).
    const [r] = await hotRead(this.c, { sql: 'SELECT * FROM contacts WHERE id = ?', params: [id] });
    return r ? { contact: toContact(r), seen: { ip: r.last_ip, deviceId: r.last_device_id } } : null;
  }

  async getSeen(id: string): Promise<ContactSeen | null> {
    const r = await this.c.db.selectFrom('contacts').select(['last_ip', 'last_device_id']).where('id', '=', id).executeTakeFirst();
    return r ? { ip: r.last_ip, deviceId: r.last_device_id } : null;
  }

  /** A rule matching this IP or device that has not expired at `now`, or null. */
  async findActiveBlockRule(match: Partial<ContactSeen>, now: string): Promise<BlockRuleRecord | null> {
    if (!match.ip && !match.deviceId) return null;
    const r = await this.c.db.selectFrom('block_rules').selectAll()
      .where((eb) => eb.or([
        eb.and([eb('kind', '=', 'ip'), eb('value', '=', match.ip ?? null)]),
        eb.and([eb('kind', '=', 'device'), eb('value', '=', match.deviceId ?? null)]),
      ]))
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at', 'desc').orderBy(this.c.seq, 'desc').limit(1).executeTakeFirst();
    return r ? toRule(r) : null;
  }

  async listBlockRules(sourceContactId: string): Promise<BlockRuleRecord[]> {
    const rows = await this.c.db.selectFrom('block_rules').selectAll().where('source_contact_id', '=', sourceContactId)
      .orderBy('created_at').orderBy(this.c.seq).execute();
    return rows.map(toRule);
  }
}
