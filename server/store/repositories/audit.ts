import { decodeCursor, pageOf } from '../cursor.js';
import { decode, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import type { AuditLogInput, AuditLogQuery, AuditLogRecord, Page } from '../store.js';

type Row = Record<string, any>;

const toAudit = (r: Row): AuditLogRecord => ({
  id: r.id,
  action: r.action,
  domain: r.domain,
  description: r.description,
  actor: { type: r.actor_type, id: r.actor_id, email: r.actor_email, name: r.actor_name },
  resource: { type: r.resource_type, id: r.resource_id, name: r.resource_name },
  request: { ipAddress: r.ip_address, userAgent: r.user_agent },
  metadata: decode.json(r.metadata),
  createdAt: decode.time(r.created_at)!,
});

/** The audit log: append and list, newest first. */
export class AuditRepository {
  constructor(private readonly c: Conn) {}

  async add(input: AuditLogInput): Promise<AuditLogRecord> {
    const row = await this.c.db.insertInto('audit_logs').values({
      id: newObjectId(), action: input.action, domain: input.domain, description: input.description,
      actor_type: input.actor.type, actor_id: input.actor.id, actor_email: input.actor.email, actor_name: input.actor.name,
      resource_type: input.resource.type, resource_id: input.resource.id, resource_name: input.resource.name,
      ip_address: input.request.ipAddress, user_agent: input.request.userAgent, metadata: JSON.stringify(input.metadata ?? {}),
      created_at: new Date().toISOString(),
    }).returningAll().executeTakeFirstOrThrow();
    return toAudit(row);
  }

  /** Newest first; dates are inclusive ISO bounds. */
  async list(q: AuditLogQuery): Promise<Page<AuditLogRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const rows = await this.c.db.selectFrom('audit_logs').selectAll().select(this.c.seq.as('seq')).where(this.c.seq, '<', before)
      .$if(!!q.action, (qb) => qb.where('action', '=', q.action!))
      .$if(!!q.domain, (qb) => qb.where('domain', '=', q.domain!))
      .$if(!!q.startDate, (qb) => qb.where('created_at', '>=', q.startDate!))
      .$if(!!q.endDate, (qb) => qb.where('created_at', '<=', q.endDate!))
      .orderBy(this.c.seq, 'desc').limit(q.limit + 1).execute();
    return pageOf(rows, q.limit, toAudit);
  }
}
