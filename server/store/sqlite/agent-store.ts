import type Database from 'better-sqlite3';
import { newObjectId } from '../ids.js';
import { decodeInboxCursor, encodeInboxCursor, likePattern, prefixed } from '../inbox-query.js';
import type { AgentInput, AgentRecord, InboxQuery, InboxRow, Page } from '../store.js';
import { toContact, toConversation, toMessage } from './rows.js';

type Row = Record<string, any>;

const toAgent = (r: Row): AgentRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  passwordHash: r.password_hash,
  sessionEpoch: Number(r.session_epoch ?? 0),
  deactivatedAt: r.deactivated_at == null ? null : new Date(r.deactivated_at).toISOString(),
  createdAt: r.created_at,
});

// Conversation and message columns are aliased so the contact's keep their own names.
const INBOX_SELECT = `SELECT ct.*,
  c.id AS c_id, c.contact_id AS c_contact_id, c.state AS c_state, c.title AS c_title, c.admin_assignee_id AS c_admin_assignee_id,
  c.created_at AS c_created_at, c.updated_at AS c_updated_at, c.last_activity_at AS c_last_activity_at,
  m.id AS m_id, m.conversation_id AS m_conversation_id, m.client_id AS m_client_id, m.author_type AS m_author_type,
  m.author_id AS m_author_id, m.author_name AS m_author_name, m.body AS m_body, m.message_type AS m_message_type, m.created_at AS m_created_at,
  (SELECT count(*) FROM messages u WHERE u.conversation_id = c.id AND u.author_type <> 'admin'
     AND u.seq > coalesce((SELECT r.last_read_seq FROM conversation_reads r WHERE r.agent_id = @agentId AND r.conversation_id = c.id), 0)) AS unread
  FROM conversations c
  JOIN contacts ct ON ct.id = c.contact_id
  LEFT JOIN messages m ON m.seq = (SELECT max(seq) FROM messages WHERE conversation_id = c.id)`;

/** Console accounts and the inbox for SqliteStore (migration 2). */
export function sqliteAgentStore(db: Database.Database) {
  const stmt = {
    insert: db.prepare(`INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
    byId: db.prepare('SELECT * FROM agents WHERE id = ?'),
    byEmail: db.prepare('SELECT * FROM agents WHERE email = ?'),
    all: db.prepare('SELECT * FROM agents ORDER BY created_at, rowid'),
    count: db.prepare('SELECT count(*) FROM agents').pluck(),
    otherActiveAdmins: db.prepare(`SELECT count(*) FROM agents WHERE role = 'admin' AND deactivated_at IS NULL AND id <> ?`).pluck(),
    deactivate: db.prepare('UPDATE agents SET deactivated_at = ?, session_epoch = session_epoch + 1 WHERE id = ?'),
    reactivate: db.prepare('UPDATE agents SET deactivated_at = NULL WHERE id = ? AND deactivated_at IS NOT NULL'),
    setPassword: db.prepare('UPDATE agents SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?'),
    markRead: db.prepare(`INSERT INTO conversation_reads (agent_id, conversation_id, last_read_seq)
      SELECT @agentId, c.id, coalesce((SELECT max(seq) FROM messages WHERE conversation_id = c.id), 0) FROM conversations c WHERE c.id = @conversationId
      ON CONFLICT (agent_id, conversation_id) DO UPDATE SET last_read_seq = max(last_read_seq, excluded.last_read_seq)`),
  };
  // The last-admin check and the update in one write transaction (immediate: no other writer in between).
  const deactivate = db.transaction((id: string, at: string) => {
    const r = stmt.byId.get(id) as Row | undefined;
    if (!r) return null;
    if (r.deactivated_at != null) return { status: 'unchanged' as const, agent: toAgent(r) };
    if (r.role === 'admin' && stmt.otherActiveAdmins.get(id) === 0) return { status: 'last_admin' as const, agent: toAgent(r) };
    stmt.deactivate.run(at, id);
    return { status: 'deactivated' as const, agent: toAgent(stmt.byId.get(id) as Row) };
  });
  const byId = (id: string) => {
    const r = stmt.byId.get(id) as Row | undefined;
    return r ? toAgent(r) : null;
  };
  return {
    async createAgent(input: AgentInput): Promise<AgentRecord> {
      const id = newObjectId();
      stmt.insert.run(id, input.email.toLowerCase(), input.name, input.role, input.passwordHash, new Date().toISOString());
      return toAgent(stmt.byId.get(id) as Row);
    },
    async getAgent(id: string) {
      const r = stmt.byId.get(id) as Row | undefined;
      return r ? toAgent(r) : null;
    },
    async findAgentByEmail(email: string) {
      const r = stmt.byEmail.get(email.toLowerCase()) as Row | undefined;
      return r ? toAgent(r) : null;
    },
    async listAgents() {
      return (stmt.all.all() as Row[]).map(toAgent);
    },
    bumpSessionEpoch: async (agentId: string) => {
      db.prepare('UPDATE agents SET session_epoch = session_epoch + 1 WHERE id = ?').run(agentId);
    },
    async countAgents() {
      return stmt.count.get() as number;
    },
    async deactivateAgent(agentId: string, at: string) {
      return deactivate.immediate(agentId, at);
    },
    async reactivateAgent(agentId: string) {
      const changed = stmt.reactivate.run(agentId).changes > 0;
      const agent = byId(agentId);
      return agent ? { changed, agent } : null;
    },
    async setAgentPassword(agentId: string, passwordHash: string) {
      stmt.setPassword.run(passwordHash, agentId);
      return byId(agentId);
    },
    async listInbox(q: InboxQuery): Promise<Page<InboxRow>> {
      const where: string[] = [];
      const params: Record<string, unknown> = { agentId: q.agentId ?? '', limit: q.limit + 1 };
      if (q.state === 'open') where.push(`c.state <> 'closed'`);
      if (q.state === 'closed') where.push(`c.state = 'closed'`);
      if (q.blocked !== undefined) {
        // Blocked means blocked now: a block past its expiry no longer counts.
        const active = "(ct.blocked = 1 AND (ct.blocked_until IS NULL OR ct.blocked_until > @now))";
        where.push(q.blocked ? active : `NOT ${active}`);
        params.now = new Date().toISOString();
      }
      if (q.search?.trim()) {
        // LIKE is case-insensitive for ASCII in SQLite; lower() covers the rest we can.
        where.push(`(lower(ct.name) LIKE lower(@search) ESCAPE '\\' OR lower(ct.email) LIKE lower(@search) ESCAPE '\\')`);
        params.search = likePattern(q.search.trim());
      }
      const after = q.cursor ? decodeInboxCursor(q.cursor) : null;
      if (after) {
        where.push('(c.last_activity_at < @at OR (c.last_activity_at = @at AND c.id < @id))');
        Object.assign(params, after);
      }
      const sql = `${INBOX_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.last_activity_at DESC, c.id DESC LIMIT @limit`;
      const rows = db.prepare(sql).all(params) as Row[];
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit).map((r): InboxRow => ({
        conversation: toConversation(prefixed(r, 'c_')),
        contact: toContact(r),
        lastMessage: r.m_id ? toMessage(prefixed(r, 'm_')) : null,
        unread: r.unread,
      }));
      const last = items[items.length - 1];
      return { items, nextCursor: more && last ? encodeInboxCursor(last.conversation.lastActivityAt, last.conversation.id) : null };
    },
    async markConversationRead(agentId: string, conversationId: string) {
      stmt.markRead.run({ agentId, conversationId });
    },
  };
}
