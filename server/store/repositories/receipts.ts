import { decode, shortId, type Conn } from '../dialect.js';
import { hotRead } from '../hot-reads.js';
import type { VisitorReadRecord } from '../store.js';

const AGENTS_READ_UP_TO = `SELECT m.id FROM messages m WHERE m.contact_id = ?
  AND m.seq <= coalesce((SELECT max(r.last_read_seq) FROM conversation_reads r WHERE r.conversation_id = m.conversation_id), 0)
  ORDER BY m.seq DESC LIMIT 1`;

/**
 * Read receipts. Agents' read markers are `conversation_reads` (moved by the console); the
 * visitor's is `visitor_reads`, one row per conversation, moved only forward. Neither is
 * written when a message is sent.
 */
export class ReceiptsRepository {
  constructor(private readonly c: Conn) {}

  /**
   * Moves the visitor's marker to `messageId` if it is one of the contact's messages and later
   * than the marker; answers the new position, or null when nothing moved.
   */
  markVisitorRead(contactId: string, messageId: string): Promise<VisitorReadRecord | null> {
    return this.c.tx(async ({ db }) => {
      const m = await db.selectFrom('messages').select(['seq', 'conversation_id']).where('id', '=', messageId).where('contact_id', '=', contactId).executeTakeFirst();
      if (!m) return null;
      const readAt = new Date().toISOString();
      const row = { conversation_id: m.conversation_id, message_id: messageId, seq: m.seq, read_at: readAt };
      const r = await db.insertInto('visitor_reads').values(row)
        .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ message_id: messageId, seq: m.seq, read_at: readAt }).where('visitor_reads.seq', '<', m.seq))
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return null;
      return { conversationId: String(m.conversation_id), messageId, readAt };
    });
  }

  async visitorRead(conversationId: string): Promise<VisitorReadRecord | null> {
    const sid = shortId(conversationId);
    if (!sid) return null;
    const r = await this.c.db.selectFrom('visitor_reads').selectAll().where('conversation_id', '=', sid).executeTakeFirst();
    return r ? { conversationId: String(r.conversation_id), messageId: r.message_id, readAt: decode.time(r.read_at)! } : null;
  }

  /** The contact's newest message some agent has read (any conversation), or null. */
  async agentsReadUpTo(contactId: string): Promise<string | null> {
    // Every page view's first history page asks: a measured hot path (hot-reads.ts).
    const [r] = await hotRead(this.c, { sql: AGENTS_READ_UP_TO, params: [contactId] });
    return r?.id ?? null;
  }

  /** The conversation's newest message id (what an agent opening it has read). */
  async latestMessageId(conversationId: string): Promise<string | null> {
    const sid = shortId(conversationId);
    if (!sid) return null;
    const r = await this.c.db.selectFrom('messages').select('id').where('conversation_id', '=', sid).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return r?.id ?? null;
  }
}
