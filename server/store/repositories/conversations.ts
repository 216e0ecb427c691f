import { sql } from 'kysely';
import { decodeCursor, pageOf } from '../cursor.js';
import { shortId, type Conn } from '../dialect.js';
import { decodeInboxCursor, encodeInboxCursor, likePattern, prefixed } from '../inbox-query.js';
import { toContact, toConversation, toMessage } from '../rows.js';
import type {
  AppendMessageInput, AppendResult, ConversationPatch, ConversationQuery, ConversationRecord, InboxQuery, InboxRow, MessageRecord, Page,
} from '../store.js';

/** The message append hot path, written per dialect (server/store/{sqlite,postgres}/append.ts). */
export interface Appender {
  append(input: AppendMessageInput): Promise<AppendResult>;
}

type Row = Record<string, any>;

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
    const set = Object.fromEntries(Object.entries({ state: patch.state, title: patch.title, admin_assignee_id: patch.adminAssigneeId }).filter(([, v]) => v !== undefined));
    if (!Object.keys(set).length) return this.get(sid);
    const r = await this.c.db.updateTable('conversations').set({ ...set, updated_at: new Date().toISOString() }).where('id', '=', sid).returningAll().executeTakeFirst();
    return r ? toConversation(r) : null;
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
   * message id: only later messages. Without `since`, the latest `limit` messages.
   */
  async listContactMessages(contactId: string, opts: { since?: string | null; limit: number }): Promise<{ messages: MessageRecord[]; hasMore: boolean }> {
    const visible = this.c.db.selectFrom('messages').selectAll().where('contact_id', '=', contactId).where('message_type', '!=', 'note');
    if (opts.since) {
      const anchor = await this.c.db.selectFrom('messages').select(['seq', 'contact_id']).where('id', '=', opts.since).executeTakeFirst();
      const seq = anchor && anchor.contact_id === contactId ? anchor.seq : 0;
      const rows = await visible.where('seq', '>', seq).orderBy('seq').limit(opts.limit + 1).execute();
      return { messages: rows.slice(0, opts.limit).map(toMessage), hasMore: rows.length > opts.limit };
    }
    const rows = (await visible.orderBy('seq', 'desc').limit(opts.limit + 1).execute()).reverse();
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
        'c.created_at as c_created_at', 'c.updated_at as c_updated_at', 'c.last_activity_at as c_last_activity_at',
        'm.id as m_id', 'm.conversation_id as m_conversation_id', 'm.client_id as m_client_id', 'm.author_type as m_author_type',
        'm.author_id as m_author_id', 'm.author_name as m_author_name', 'm.body as m_body', 'm.message_type as m_message_type', 'm.created_at as m_created_at',
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
