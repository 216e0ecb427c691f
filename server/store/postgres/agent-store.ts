import type pg from 'pg';
import { newObjectId } from '../ids.js';
import { decodeInboxCursor, encodeInboxCursor, likePattern, prefixed } from '../inbox-query.js';
import type { AgentInput, AgentRecord, InboxQuery, InboxRow, Page } from '../store.js';
import { iso, shortId, toContact, toConversation, toMessage, type Row } from './rows.js';

const toAgent = (r: Row): AgentRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  passwordHash: r.password_hash,
  sessionEpoch: Number(r.session_epoch ?? 0),
  deactivatedAt: r.deactivated_at == null ? null : new Date(r.deactivated_at).toISOString(),
  createdAt: iso(r.created_at)!,
});

// Conversation and message columns are aliased so the contact's keep their own names.
// $1 is the agent whose read markers count as read.
const INBOX_SELECT = `SELECT ct.*,
  c.id AS c_id, c.contact_id AS c_contact_id, c.state AS c_state, c.title AS c_title, c.admin_assignee_id AS c_admin_assignee_id,
  c.created_at AS c_created_at, c.updated_at AS c_updated_at, c.last_activity_at AS c_last_activity_at,
  m.id AS m_id, m.conversation_id AS m_conversation_id, m.client_id AS m_client_id, m.author_type AS m_author_type,
  m.author_id AS m_author_id, m.author_name AS m_author_name, m.body AS m_body, m.message_type AS m_message_type, m.created_at AS m_created_at,
  (SELECT count(*)::int FROM messages u WHERE u.conversation_id = c.id AND u.author_type <> 'admin'
     AND u.seq > coalesce((SELECT r.last_read_seq FROM conversation_reads r WHERE r.agent_id = $1 AND r.conversation_id = c.id), 0)) AS unread
  FROM conversations c
  JOIN contacts ct ON ct.id = c.contact_id
  LEFT JOIN LATERAL (SELECT * FROM messages WHERE conversation_id = c.id ORDER BY seq DESC LIMIT 1) m ON true`;

/** Console accounts and the inbox for PgStore (migration 2); mirrors sqlite/agent-store.ts. */
export function pgAgentStore(pool: pg.Pool) {
  const one = async (text: string, values: unknown[]) => (await pool.query<Row>(text, values)).rows[0];
  return {
    async createAgent(input: AgentInput): Promise<AgentRecord> {
      const r = await one(
        `INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [newObjectId(), input.email.toLowerCase(), input.name, input.role, input.passwordHash, new Date().toISOString()],
      );
      return toAgent(r);
    },
    async getAgent(id: string) {
      const r = await one('SELECT * FROM agents WHERE id = $1', [id]);
      return r ? toAgent(r) : null;
    },
    async findAgentByEmail(email: string) {
      const r = await one('SELECT * FROM agents WHERE email = $1', [email.toLowerCase()]);
      return r ? toAgent(r) : null;
    },
    async listAgents() {
      return (await pool.query<Row>('SELECT * FROM agents ORDER BY created_at, seq')).rows.map(toAgent);
    },
    bumpSessionEpoch: async (agentId: string) => {
      await pool.query('UPDATE agents SET session_epoch = session_epoch + 1 WHERE id = $1', [agentId]);
    },
    async countAgents() {
      return (await one('SELECT count(*)::int AS n FROM agents', [])).n as number;
    },
    async deactivateAgent(agentId: string, at: string) {
      const c = await pool.connect();
      let broken: Error | undefined;
      try {
        await c.query('BEGIN');
        // Lock the agent and every active admin, in id order (no deadlock between two admins
        // deactivating each other); the second waits, then sees the first one's result.
        const rows = (await c.query<Row>(
          `SELECT * FROM agents WHERE id = $1 OR (role = 'admin' AND deactivated_at IS NULL) ORDER BY id FOR UPDATE`, [agentId],
        )).rows;
        const r = rows.find((x) => x.id === agentId);
        let result: { status: 'deactivated' | 'unchanged' | 'last_admin'; agent: AgentRecord } | null;
        if (!r) result = null;
        else if (r.deactivated_at != null) result = { status: 'unchanged', agent: toAgent(r) };
        else if (r.role === 'admin' && !rows.some((x) => x.id !== agentId && x.role === 'admin' && x.deactivated_at == null)) {
          result = { status: 'last_admin', agent: toAgent(r) };
        } else {
          const updated = (await c.query<Row>(
            'UPDATE agents SET deactivated_at = $2, session_epoch = session_epoch + 1 WHERE id = $1 RETURNING *', [agentId, at],
          )).rows[0];
          result = { status: 'deactivated', agent: toAgent(updated) };
        }
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => { broken = e; });
        throw err;
      } finally {
        c.release(broken);
      }
    },
    async reactivateAgent(agentId: string) {
      const r = await one('UPDATE agents SET deactivated_at = NULL WHERE id = $1 AND deactivated_at IS NOT NULL RETURNING *', [agentId]);
      if (r) return { changed: true, agent: toAgent(r) };
      const agent = await one('SELECT * FROM agents WHERE id = $1', [agentId]);
      return agent ? { changed: false, agent: toAgent(agent) } : null;
    },
    async setAgentPassword(agentId: string, passwordHash: string) {
      const r = await one('UPDATE agents SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1 RETURNING *', [agentId, passwordHash]);
      return r ? toAgent(r) : null;
    },
    async listInbox(q: InboxQuery): Promise<Page<InboxRow>> {
      const values: unknown[] = [q.agentId ?? '', q.limit + 1];
      const param = (v: unknown) => `$${values.push(v)}`;
      const where: string[] = [];
      if (q.state === 'open') where.push(`c.state <> 'closed'`);
      if (q.state === 'closed') where.push(`c.state = 'closed'`);
      if (q.blocked !== undefined) {
        // Blocked means blocked now: a block past its expiry no longer counts.
        const active = '(ct.blocked AND (ct.blocked_until IS NULL OR ct.blocked_until > now()))';
        where.push(q.blocked ? active : `NOT ${active}`);
      }
      if (q.search?.trim()) {
        const p = param(likePattern(q.search.trim()));
        where.push(`(lower(ct.name) LIKE lower(${p}) ESCAPE '\\' OR lower(ct.email) LIKE lower(${p}) ESCAPE '\\')`);
      }
      const after = q.cursor ? decodeInboxCursor(q.cursor) : null;
      if (after) {
        const at = param(after.at);
        const id = param(after.id);
        where.push(`(c.last_activity_at < ${at} OR (c.last_activity_at = ${at} AND c.id < ${id}))`);
      }
      const sql = `${INBOX_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $2`;
      const rows = (await pool.query<Row>(sql, values)).rows;
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
      const sid = shortId(conversationId);
      if (!sid) return;
      await pool.query(
        `INSERT INTO conversation_reads (agent_id, conversation_id, last_read_seq)
         SELECT $1, c.id, coalesce((SELECT max(seq) FROM messages WHERE conversation_id = c.id), 0) FROM conversations c WHERE c.id = $2
         ON CONFLICT (agent_id, conversation_id) DO UPDATE SET last_read_seq = greatest(conversation_reads.last_read_seq, excluded.last_read_seq)`,
        [agentId, sid],
      );
    },
  };
}
