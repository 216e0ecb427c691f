import { sql, type ExpressionBuilder } from 'kysely';
import { decode, type Conn } from '../dialect.js';
import { toContact, toMessage } from '../rows.js';
import { hotRead } from '../hot-reads.js';
import type { Database } from '../schema.js';
import type { ClaimedFollowup, ContactRecord, FollowupRecord } from '../store.js';

type Row = Record<string, any>;

const toFollowup = (r: Row): FollowupRecord => ({
  contactId: r.contact_id,
  email: r.email,
  pageUrl: r.page_url,
  locale: r.locale,
  emailedSeq: Number(r.emailed_seq),
  dueAt: decode.time(r.due_at),
  lastSentAt: decode.time(r.last_sent_at),
  unsubscribedAt: decode.time(r.unsubscribed_at),
});

// The follow-up's columns next to its contact's, prefixed (both tables have contact_id, email, locale).
const FOLLOWUP_COLUMNS = ['contact_id', 'email', 'page_url', 'locale', 'emailed_seq', 'due_at', 'last_sent_at', 'unsubscribed_at'];
const CONTACT_WITH_FOLLOWUP = `SELECT c.*, ${FOLLOWUP_COLUMNS.map((k) => `f.${k} AS f_${k}`).join(', ')}
  FROM contacts c LEFT JOIN email_followups f ON f.contact_id = c.id WHERE c.id = ?`;

/** Replies a visitor can see: by an agent, not an internal note, not redacted. */
function agentReplies(eb: ExpressionBuilder<Database, 'email_followups'>) {
  return eb.selectFrom('messages as m')
    .select('m.seq')
    .whereRef('m.contact_id', '=', 'email_followups.contact_id')
    .whereRef('m.seq', '>', 'email_followups.emailed_seq')
    .where('m.author_type', '=', 'admin')
    .where('m.message_type', '!=', 'note')
    .where('m.redacted_at', 'is', null);
}

/**
 * Email follow-up of agent replies. Scheduling is derived from the data (a subscribed contact
 * with a reply newer than `emailed_seq` becomes due), so nothing is lost when a process dies
 * between a reply's commit and its email; a due row is claimed with a lease, so one process
 * sends it and another takes over when the lease runs out.
 */
export class FollowupsRepository {
  constructor(private readonly c: Conn) {}

  /** Saves (or replaces) the contact's address; replies already in the thread are not emailed. */
  subscribe(input: { contactId: string; email: string; pageUrl: string | null; locale: string | null }): Promise<FollowupRecord> {
    return this.c.tx(async ({ db }) => {
      const now = new Date().toISOString();
      const last = await db.selectFrom('messages').select((eb) => eb.fn.max('seq').as('s')).where('contact_id', '=', input.contactId).executeTakeFirst();
      const fields = { email: input.email, page_url: input.pageUrl, locale: input.locale, emailed_seq: Number(last?.s ?? 0), due_at: null, lease_until: null, unsubscribed_at: null, updated_at: now };
      await db.insertInto('email_followups').values({ contact_id: input.contactId, created_at: now, ...fields })
        .onConflict((oc) => oc.column('contact_id').doUpdateSet(fields)).execute();
      return (await this.get(input.contactId, db))!;
    });
  }

  /**
   * The contact and its follow-up (null: none), in one read: what a messenger session starts
   * from, on every page view: a measured hot path (hot-reads.ts). Null when there is no such contact.
   */
  async withContact(contactId: string): Promise<{ contact: ContactRecord; followup: FollowupRecord | null } | null> {
    const [r] = await hotRead(this.c, { sql: CONTACT_WITH_FOLLOWUP, params: [contactId] });
    if (!r) return null;
    const followup = r.f_contact_id == null ? null : toFollowup(Object.fromEntries(FOLLOWUP_COLUMNS.map((k) => [k, r[`f_${k}`]])));
    return { contact: toContact(r), followup };
  }

  async get(contactId: string, db = this.c.db): Promise<FollowupRecord | null> {
    const row = await db.selectFrom('email_followups').selectAll().where('contact_id', '=', contactId).executeTakeFirst();
    return row ? toFollowup(row) : null;
  }

  /** Stops every follow-up email to the contact; false when it had none running. */
  async unsubscribe(contactId: string): Promise<boolean> {
    const now = new Date().toISOString();
    const r = await this.c.db.updateTable('email_followups').set({ unsubscribed_at: now, due_at: null, updated_at: now })
      .where('contact_id', '=', contactId).where('unsubscribed_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The visitor saw everything up to this message live: it is not emailed. */
  async seenThrough(contactId: string, messageId: string): Promise<void> {
    const seq = this.c.db.selectFrom('messages').select('seq').where('id', '=', messageId).where('contact_id', '=', contactId);
    await this.c.db.updateTable('email_followups').set({ emailed_seq: sql`(${seq})` })
      .where('contact_id', '=', contactId).where('emailed_seq', '<', sql<number>`(${seq})`).execute();
  }

  /** Marks subscribed contacts with replies not yet emailed as due at `dueAt` (idempotent; every process may run it). */
  async schedule(dueAt: string): Promise<number> {
    const r = await this.c.db.updateTable('email_followups').set({ due_at: dueAt })
      .where('due_at', 'is', null).where('unsubscribed_at', 'is', null)
      .where((eb) => eb.exists(agentReplies(eb))).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /**
   * Claims due follow-ups for this process until `leaseUntil`: due, not leased, not sent
   * since `sentBefore` (one email per contact per interval). A contact whose block is in
   * force is never claimed: its pending replies are marked emailed instead, in the same
   * transaction, so nothing is sent after a block.
   */
  claimDue(opts: { now: string; leaseUntil: string; sentBefore: string; limit: number; repliesPerEmail: number }): Promise<ClaimedFollowup[]> {
    return this.c.tx(async ({ db, dialect }) => {
      const { now } = opts;
      const blockedInForce = (eb: ExpressionBuilder<Database, 'email_followups'>) => eb.exists(
        eb.selectFrom('contacts as b').select('b.id').whereRef('b.id', '=', 'email_followups.contact_id')
          .where('b.blocked', '=', dialect.flag(true)).where((x) => x.or([x('b.blocked_until', 'is', null), x('b.blocked_until', '>', now)])),
      );
      const newest = (eb: ExpressionBuilder<Database, 'email_followups'>) =>
        eb.fn.coalesce(eb.selectFrom('messages as m').select((x) => x.fn.max('m.seq').as('s')).whereRef('m.contact_id', '=', 'email_followups.contact_id'), sql.lit(0));
      await db.updateTable('email_followups').set((eb) => ({ due_at: null, lease_until: null, emailed_seq: newest(eb) }))
        .where('due_at', '<=', now).where(blockedInForce).execute();
      const due = await dialect.claim(
        db.selectFrom('email_followups').select('contact_id')
          .where('due_at', '<=', now).where('unsubscribed_at', 'is', null)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
          .where((eb) => eb.or([eb('last_sent_at', 'is', null), eb('last_sent_at', '<=', opts.sentBefore)]))
          .orderBy('due_at').limit(opts.limit),
      ).execute();
      if (!due.length) return [];
      const ids = due.map((d) => d.contact_id);
      await db.updateTable('email_followups').set({ lease_until: opts.leaseUntil }).where('contact_id', 'in', ids).execute();
      const rows = await db.selectFrom('email_followups').selectAll().where('contact_id', 'in', ids).orderBy('due_at').execute();
      const claimed: ClaimedFollowup[] = [];
      for (const row of rows) {
        const f = toFollowup(row);
        const replies = await db.selectFrom('messages').selectAll()
          .where('contact_id', '=', f.contactId).where('seq', '>', f.emailedSeq as never)
          .where('author_type', '=', 'admin').where('message_type', '!=', 'note').where('redacted_at', 'is', null)
          .orderBy('seq').limit(opts.repliesPerEmail).execute();
        claimed.push({ ...f, replies: replies.map((r) => ({ ...toMessage(r), seq: Number(r.seq) })) });
      }
      return claimed;
    });
  }

  /**
   * Ends a claimed follow-up: replies through `throughSeq` count as emailed (or seen), the
   * lease goes, and with `sentAt` the interval starts. A reply that arrived meanwhile keeps
   * the row due (it goes out once the interval has passed).
   */
  finish(contactId: string, throughSeq: number, sentAt: string | null): Promise<void> {
    return this.c.tx(async ({ db }) => {
      const now = new Date().toISOString();
      await db.updateTable('email_followups')
        .set({ emailed_seq: sql`CASE WHEN emailed_seq < ${throughSeq} THEN ${throughSeq} ELSE emailed_seq END`, lease_until: null, due_at: null, updated_at: now, ...(sentAt ? { last_sent_at: sentAt } : {}) })
        .where('contact_id', '=', contactId).execute();
      await db.updateTable('email_followups').set({ due_at: now })
        .where('contact_id', '=', contactId).where('unsubscribed_at', 'is', null).where((eb) => eb.exists(agentReplies(eb))).execute();
    });
  }

  /** A delivery failed: the row stays due, from `dueAt`, for any process. */
  async retryAt(contactId: string, dueAt: string): Promise<void> {
    await this.c.db.updateTable('email_followups').set({ due_at: dueAt, lease_until: null }).where('contact_id', '=', contactId).execute();
  }
}
