import { decode, shortId, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import type { ConversationEventRecord } from '../store.js';

type Row = Record<string, any>;

const toEvent = (r: Row): ConversationEventRecord => ({
  id: r.id,
  conversationId: String(r.conversation_id),
  kind: r.kind,
  actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
  assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name } : null,
  createdAt: decode.time(r.created_at)!,
});

/** Most events one conversation's timeline returns (the newest). */
const MAX_EVENTS = 500;

/** A conversation's assignment and state changes, oldest first. */
export class TimelineRepository {
  constructor(private readonly c: Conn) {}

  async add(e: Omit<ConversationEventRecord, 'id' | 'createdAt'>): Promise<ConversationEventRecord> {
    const row = await this.c.db.insertInto('conversation_events').values({
      id: newObjectId(), conversation_id: e.conversationId, kind: e.kind, actor_type: e.actor.type, actor_id: e.actor.id, actor_name: e.actor.name,
      assignee_id: e.assignee?.id ?? null, assignee_name: e.assignee?.name ?? null, created_at: new Date().toISOString(),
    }).returningAll().executeTakeFirstOrThrow();
    return toEvent(row);
  }

  async list(conversationId: string): Promise<ConversationEventRecord[]> {
    const id = shortId(conversationId);
    if (!id) return [];
    const rows = await this.c.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', id)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(MAX_EVENTS).execute();
    return rows.reverse().map(toEvent);
  }
}
