import { sql, type ExpressionBuilder } from 'kysely';
import { decodeCursor, pageOf } from '../cursor.js';
import { shortId, type Conn } from '../dialect.js';
import { decodeInboxCursor, encodeInboxCursor, likePattern, prefixed } from '../inbox-query.js';
import { toContact, toConversation, toMessage } from '../rows.js';
import { hotRead } from '../hot-reads.js';
import { kyselyExec } from '../protection-sql.js';
import type { Database } from '../schema.js';
import type {
  AppendMessageInput, AppendResult, ConversationClause, ConversationPatch, ConversationQuery, ConversationRecord, ConversationSearch, InboxQuery, InboxRow,
  MessageRecord, Page,
} from '../store.js';

/** The message append hot path, written per dialect (server/store/{sqlite,postgres}/append.ts). */
export interface Appender {
  append(input: AppendMessageInput): Promise<AppendResult>;
}

type Row = Record<string, any>;
type Where = ExpressionBuilder<Database & { c: Database['conversations'] }, 'c'>;

type ListColumn = 'c.state' | 'c.admin_assignee_id' | 'c.contact_id';

// A contact's messages as its visitor sees them (redacted parts are gone: their body is empty
// anyway), after or before a position (`seq`), the page's size: what `listContactMessages` reads.
const VISIBLE = `SELECT * FROM messages WHERE contact_id = ? AND message_type != 'note' AND redacted_at IS NULL`;
const AFTER = `${VISIBLE} AND seq > ? ORDER BY seq LIMIT ?`;
const BEFORE = `${VISIBLE} AND seq < ? ORDER BY seq DESC LIMIT ?`;
const LATEST_PAGE = `${VISIBLE} ORDER BY seq DESC LIMIT ?`;

/** `col IN (…)` where null in the list means IS NULL too. */
function inList(eb: Where, column: ListColumn, values: (string | null)[]) {
  const known = values.filter((x): x is string => x !== null);
  const parts = [...(known.length ? [eb(column, 'in', known)] : []), ...(known.length < values.length ? [eb(column, 'is', null)] : [])];
  return parts.length ? eb.or(parts) : sql<boolean>`1 = 0`;
}

/** The complement of inList, NULLs included (SQL's NOT IN alone never matches a NULL). */
function notInList(eb: Where, column: ListColumn, values: (string | null)[]) {
  const known = values.filter((x): x is string => x !== null);
  const hasNull = known.length < values.length;
  const parts = [
    ...(known.length ? [hasNull ? eb(column, 'not in', known) : eb.or([eb(column, 'is', null), eb(column, 'not in', known)])] : []),
    ...(hasNull ? [eb(column, 'is not', null)] : []),
  ];
  return parts.length ? eb.and(parts) : sql<boolean>`1 = 1`;
}

function clauseSql(eb: Where, clause: ConversationClause) {
  switch (clause.column) {
    case 'state':
    case 'admin_assignee_id':
    case 'contact_id': {
      return (clause.op === 'in' ? inList : notInList)(eb, `c.${clause.column}`, clause.values);
    }
    case 'tag': {
      const tagged = eb.exists(eb.selectFrom('conversation_tags as t').select('t.tag_id').whereRef('t.conversation_id', '=', 'c.id').where('t.tag_id', 'in', clause.values));
      return clause.op === 'in' ? tagged : eb.not(tagged);
    }
    case 'created_at': {
      if (clause.op !== '=') return eb('c.created_at', clause.op, clause.value);
      const next = new Date(Date.parse(clause.value) + 1000).toISOString();
      return eb.and([eb('c.created_at', '>=', clause.value), eb('c.created_at', '<', next)]);
    }
    case 'constant':
      return clause.matches ? sql<boolean>`1 = 1` : sql<boolean>`1 = 0`;
  }
}

/** Conversations with their messages, the console inbox and agents' read markers. */
export class ConversationsRepository {
  constructor(private readonly c: Conn, private readonly appender: Appender) {}

  async get(id: string): Promise<ConversationRecord | null> {
    const sid = shortId(id);
    const r = sid ? await this.c.db.selectFrom('conversations').selectAll().where('id', '=', sid).executeTakeFirst() : undefined;
    return r ? toConversation(r) : null;
  }

  async list(q: ConversationQuery): Promise<Page<ConversationRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const rows = await this.c.db.selectFrom('conversations').selectAll().where('id', '<', before)
      .$if(!!q.contactId, (qb) => qb.where('contact_id', '=', q.contactId!))
      .orderBy('id', 'desc').limit(q.limit + 1).execute();
    return pageOf(rows, q.limit, toConversation, (r) => r.id);
  }

  async update(id: string, patch: ConversationPatch): Promise<ConversationRecord | null> {
    const sid = shortId(id);
    if (!sid) return null;
    const set = Object.fromEntries(Object.entries({
      state: patch.state, title: patch.title, admin_assignee_id: patch.adminAssigneeId, snoozed_until: patch.snoozedUntil,
    }).filter(([, v]) => v !== undefined));
    if (!Object.keys(set).length) return this.get(sid);
    const r = await this.c.db.updateTable('conversations').set({ ...set, updated_at: new Date().toISOString() }).where('id', '=', sid).returningAll().executeTakeFirst();
    return r ? toConversation(r) : null;
  }

  /** Whether some snooze is due: a read, so an idle sweep takes no write lock. */
  async anySnoozeDue(now: string): Promise<boolean> {
    return !!(await this.c.db.selectFrom('conversations').select('id').where('snoozed_until', '<=', now).where('state', '=', 'snoozed').limit(1).executeTakeFirst());
  }

  /**
   * Opens snoozed conversations whose time has come, at most `limit`. The claim is the update
   * itself (state still snoozed and due, in one write transaction; PostgreSQL skips rows
   * another process holds), so each is woken by exactly one process, whichever it is.
   */
  wakeSnoozed(now: string, limit: number): Promise<{ previous: ConversationRecord; conversation: ConversationRecord }[]> {
    return this.c.tx(async ({ db, dialect }) => {
      const due = await dialect.claim(db.selectFrom('conversations').selectAll()
        .where('state', '=', 'snoozed').where('snoozed_until', '<=', now).orderBy('snoozed_until').limit(limit)).execute();
      if (!due.length) return [];
      const woken = await db.updateTable('conversations').set({ state: 'open', snoozed_until: null, updated_at: now })
        .where('id', 'in', due.map((r) => r.id)).where('state', '=', 'snoozed').returningAll().execute();
      const before = new Map(due.map((r) => [String(r.id), toConversation(r)]));
      return woken.map((r) => ({ previous: before.get(String(r.id))!, conversation: toConversation(r) }));
    });
  }

  /**
   * Redacts a message: its body is emptied for good and the time recorded. Null when the
   * conversation has no message with that id; a part redacted before stays as it was.
   */
  async redactMessage(conversationId: string, messageId: string, at: string): Promise<MessageRecord | null> {
    const sid = shortId(conversationId);
    if (!sid) return null;
    await this.c.db.updateTable('messages').set({ body: '', redacted_at: at })
      .where('id', '=', messageId).where('conversation_id', '=', sid).where('redacted_at', 'is', null).execute();
    const r = await this.c.db.selectFrom('messages').selectAll().where('id', '=', messageId).where('conversation_id', '=', sid).executeTakeFirst();
    return r ? toMessage(r) : null;
  }

  /** One message of a conversation. */
  async getMessage(conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const sid = shortId(conversationId);
    const r = sid ? await this.c.db.selectFrom('messages').selectAll().where('id', '=', messageId).where('conversation_id', '=', sid).executeTakeFirst() : undefined;
    return r ? toMessage(r) : null;
  }

  /** Conversations matching every clause (and the text), by last activity; cursor as the inbox's. */
  async search(q: ConversationSearch): Promise<Page<ConversationRecord>> {
    const text = q.text?.trim() ? likePattern(q.text.trim()) : null;
    const after = q.after;
    const rows = await this.c.db.selectFrom('conversations as c').selectAll('c')
      .$if(q.clauses.length > 0, (qb) => qb.where((eb) => eb.and(q.clauses.map((clause) => clauseSql(eb, clause)))))
      .$if(text !== null, (qb) => qb.where((eb) => eb.exists(eb.selectFrom('messages as m').select('m.seq')
        .whereRef('m.conversation_id', '=', 'c.id').where(sql<boolean>`lower(m.body) LIKE lower(${text}) ESCAPE '\\'`))))
      .$if(!!after, (qb) => qb.where((eb) => eb.or([
        eb('c.last_activity_at', q.order === 'desc' ? '<' : '>', after!.at),
        eb.and([eb('c.last_activity_at', '=', after!.at), eb('c.id', q.order === 'desc' ? '<' : '>', after!.id)]),
      ])))
      .orderBy('c.last_activity_at', q.order).orderBy('c.id', q.order).limit(q.limit + 1).execute();
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map(toConversation);
    const last = items[items.length - 1];
    return { items, nextCursor: more && last ? encodeInboxCursor(last.lastActivityAt, last.id) : null };
  }

  async delete(id: string): Promise<boolean> {
    const sid = shortId(id);
    if (!sid) return false;
    const r = await this.c.db.deleteFrom('conversations').where('id', '=', sid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Appends a message. The author's block state is read in the same transaction as the
   * insert (and, on PostgreSQL, under the author's row lock), so a block that has answered
   * refuses every later append, on every process. With `recordEvent`, the webhook outbox row
   * is written in that transaction too.
   */
  appendMessage(input: AppendMessageInput): Promise<AppendResult> {
    return this.appender.append(input);
  }

  /** Messages of one conversation, oldest first. */
  async listMessages(conversationId: string, opts: { includeNotes?: boolean } = {}): Promise<MessageRecord[]> {
    const sid = shortId(conversationId);
    if (!sid) return [];
    const rows = await this.c.db.selectFrom('messages').selectAll().where('conversation_id', '=', sid)
      .$if(opts.includeNotes === false, (qb) => qb.where('message_type', '!=', 'note')).orderBy('seq').execute();
    return rows.map(toMessage);
  }

  /**
   * A contact's messages across conversations, oldest first, notes excluded; `since` is a
   * message id: only later messages. `before` is a message id: the latest `limit` messages
   * older than it (an unknown or foreign id gives none). Without either, the latest `limit`.
   */
  async listContactMessages(contactId: string, opts: { since?: string | null; before?: string; limit: number }): Promise<{ messages: MessageRecord[]; hasMore: boolean }> {
    const seqOf = async (id: string) => {
      const anchor = await this.c.db.selectFrom('messages').select(['seq', 'contact_id']).where('id', '=', id).executeTakeFirst();
      return anchor && anchor.contact_id === contactId ? anchor.seq : 0;
    };
    const read = kyselyExec(this.c);
    if (opts.since) {
      const rows = await read({ sql: AFTER, params: [contactId, await seqOf(opts.since), opts.limit + 1] });
      return { messages: rows.slice(0, opts.limit).map(toMessage), hasMore: rows.length > opts.limit };
    }
    const rows = opts.before
      ? await read({ sql: BEFORE, params: [contactId, await seqOf(opts.before), opts.limit + 1] })
      // The latest page: every page view fetches it, a measured hot path (hot-reads.ts).
      : await hotRead(this.c, { sql: LATEST_PAGE, params: [contactId, opts.limit + 1] });
    rows.reverse();
    const hasMore = rows.length > opts.limit;
    return { messages: (hasMore ? rows.slice(1) : rows).map(toMessage), hasMore };
  }

  /** Inbox page sorted by last activity desc (ties: newest conversation first). */
  async listInbox(q: InboxQuery): Promise<Page<InboxRow>> {
    const { db, dialect } = this.c;
    const agentId = q.agentId ?? '';
    const after = q.cursor ? decodeInboxCursor(q.cursor) : null;
    const search = q.search?.trim() ? likePattern(q.search.trim()) : null;
    const now = new Date().toISOString();
    // Conversation and message columns are aliased so the contact's keep their own names.
    const rows: Row[] = await db.selectFrom('conversations as c')
      .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
      .leftJoin('messages as m', (j) => j.on('m.seq', '=', (eb) => eb.selectFrom('messages').select((e) => e.fn.max('seq').as('s')).whereRef('conversation_id', '=', 'c.id')))
      .selectAll('ct')
      .select([
        'c.id as c_id', 'c.contact_id as c_contact_id', 'c.state as c_state', 'c.title as c_title', 'c.admin_assignee_id as c_admin_assignee_id',
        'c.created_at as c_created_at', 'c.updated_at as c_updated_at', 'c.last_activity_at as c_last_activity_at', 'c.snoozed_until as c_snoozed_until',
        'm.id as m_id', 'm.conversation_id as m_conversation_id', 'm.client_id as m_client_id', 'm.author_type as m_author_type',
        'm.author_id as m_author_id', 'm.author_name as m_author_name', 'm.body as m_body', 'm.message_type as m_message_type', 'm.created_at as m_created_at',
        'm.redacted_at as m_redacted_at',
        (eb) => eb.selectFrom('messages as u').select((e) => e.fn.countAll().as('n'))
          .whereRef('u.conversation_id', '=', 'c.id').where('u.author_type', '!=', 'admin')
          .where('u.seq', '>', (e) => e.fn.coalesce(
            e.selectFrom('conversation_reads as r').select('r.last_read_seq').where('r.agent_id', '=', agentId).whereRef('r.conversation_id', '=', 'c.id'),
            sql.lit(0),
          ))
          .as('unread'),
      ])
      .$if(q.state === 'open', (qb) => qb.where('c.state', '!=', 'closed'))
      .$if(q.state === 'closed', (qb) => qb.where('c.state', '=', 'closed'))
      .$if(q.assigneeId !== undefined, (qb) => qb.where('c.admin_assignee_id', q.assigneeId === null ? 'is' : '=', q.assigneeId ?? null))
      .$if(q.blocked !== undefined, (qb) => qb.where((eb) => {
        // Blocked means blocked now: a block past its expiry no longer counts.
        const active = eb.and([eb('ct.blocked', '=', dialect.flag(true)), eb.or([eb('ct.blocked_until', 'is', null), eb('ct.blocked_until', '>', now)])]);
        return q.blocked ? active : eb.not(active);
      }))
      .$if(search !== null, (qb) => qb.where(sql<boolean>`(lower(ct.name) LIKE lower(${search}) ESCAPE '\\' OR lower(ct.email) LIKE lower(${search}) ESCAPE '\\')`))
      .$if(after !== null, (qb) => qb.where((eb) => eb.or([
        eb('c.last_activity_at', '<', after!.at),
        eb.and([eb('c.last_activity_at', '=', after!.at), eb('c.id', '<', after!.id)]),
      ])))
      .orderBy('c.last_activity_at', 'desc').orderBy('c.id', 'desc').limit(q.limit + 1).execute();
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map((r): InboxRow => ({
      conversation: toConversation(prefixed(r, 'c_')),
      contact: toContact(r),
      lastMessage: r.m_id ? toMessage(prefixed(r, 'm_')) : null,
      unread: Number(r.unread),
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: more && last ? encodeInboxCursor(last.conversation.lastActivityAt, last.conversation.id) : null };
  }

  /** Moves the agent's read marker to the conversation's latest message. */
  async markRead(agentId: string, conversationId: string): Promise<void> {
    const sid = shortId(conversationId);
    if (!sid) return;
    await this.c.db.insertInto('conversation_reads')
      .columns(['agent_id', 'conversation_id', 'last_read_seq'])
      .expression((eb) => eb.selectFrom('conversations as c')
        .select([
          sql.val(agentId).as('agent_id'), 'c.id',
          (e) => e.fn.coalesce(e.selectFrom('messages').select((x) => x.fn.max('seq').as('s')).whereRef('conversation_id', '=', 'c.id'), sql.lit(0)).as('last_read_seq'),
        ])
        .where('c.id', '=', sid))
      // A marker only moves forward (max of both, written so both dialects take it).
      .onConflict((oc) => oc.columns(['agent_id', 'conversation_id']).doUpdateSet({
        last_read_seq: sql`CASE WHEN excluded.last_read_seq > conversation_reads.last_read_seq THEN excluded.last_read_seq ELSE conversation_reads.last_read_seq END`,
      }))
      .execute();
  }
}
