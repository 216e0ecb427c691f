import type { AuditLogInput, AuditLogQuery, AuditLogRecord, Store } from '../store/store.js';
import type { Publish } from './events.js';
import type { Subscriptions } from './webhooks.js';

/** Where a request came from, when there was one. */
export interface RequestInfo {
  ipAddress: string | null;
  userAgent: string | null;
}

/** Who did it: the REST API key, a console agent, or Parley itself. */
export interface AuditActor {
  actorType: 'api' | 'admin' | 'system';
  actorId?: string | null;
  request?: RequestInfo;
}

export interface AuditEntry {
  action: string;
  domain: string;
  description: string;
  actor: AuditActor;
  resource: AuditLogRecord['resource'];
  metadata?: Record<string, unknown>;
}

/**
 * The audit log: who did what to which resource, when, from where. Actions follow
 * Featurebase's `{domain}.{verb}` names where one fits (`security.user_banned`,
 * `auth.login`, `webhook.created`…), so the SDK's `auditLogs.list({ action })` filters work.
 */
export class AuditLog {
  /** Without `subscriptions` no entry fires `audit_log.created`; `publish` tells the webhook dispatcher at once. */
  constructor(private readonly store: Store, private readonly subscriptions?: Subscriptions, private readonly publish?: Publish) {}

  async record(entry: AuditEntry): Promise<AuditLogRecord> {
    const input: AuditLogInput = {
      action: entry.action,
      domain: entry.domain,
      description: entry.description,
      actor: await this.actor(entry.actor),
      resource: entry.resource,
      request: entry.actor.request ?? { ipAddress: null, userAgent: null },
      metadata: entry.metadata ?? {},
    };
    // The `audit_log.created` webhook event is written with the entry, in its transaction.
    if (!(await this.subscriptions?.wants(['audit_log.created']))) return this.store.audit.add(input);
    const added = await this.store.transaction(async (tx) => {
      const stored = await tx.audit.add(input);
      await tx.webhooks.recordEvent({ type: 'audit_log:created', entry: stored });
      return stored;
    });
    this.publish?.({ type: 'audit_log:created', entry: added });
    return added;
  }

  list(query: AuditLogQuery) {
    return this.store.audit.list(query);
  }

  private async actor(a: AuditActor): Promise<AuditLogInput['actor']> {
    if (a.actorType === 'admin' && a.actorId) {
      const agent = await this.store.agents.get(a.actorId);
      return { type: 'admin', id: a.actorId, email: agent?.email ?? null, name: agent?.name ?? null };
    }
    if (a.actorType === 'api') return { type: 'api_key', id: null, email: null, name: 'PARLEY_API_KEY' };
    return { type: 'system', id: a.actorId ?? null, email: null, name: 'Parley' };
  }
}
