import type { AuditLogInput, AuditLogQuery, AuditLogRecord, Repositories, Store } from '../store/store.js';
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

  /** Whether a webhook wants `audit_log.created`: asked before a transaction that will `record`. */
  async wanted(): Promise<boolean> {
    return (await this.subscriptions?.wants(['audit_log.created'])) ?? false;
  }

  /**
   * Writes the entry. Inside a transaction, pass its repositories and `wanted()` as asked
   * before the transaction began: nothing here may reach the store outside the transaction
   * (on SQLite that query would wait for the one connection the transaction holds).
   */
  async record(entry: AuditEntry, inTx?: { repos: Pick<Repositories, 'audit' | 'agents' | 'webhooks'>; wanted: boolean }): Promise<AuditLogRecord> {
    const repos = inTx?.repos;
    const input = AuditLog.input(entry, await this.actor(entry.actor, repos));
    // The `audit_log.created` webhook event is written with the entry, in its transaction.
    const wanted = inTx ? inTx.wanted : await this.wanted();
    const write = async (r: Pick<Repositories, 'audit' | 'webhooks'>) => {
      const stored = await r.audit.add(input);
      if (wanted) await r.webhooks.recordEvent({ type: 'audit_log:created', entry: stored });
      return stored;
    };
    // Inside the caller's transaction the caller's own after-commit event nudges the dispatcher.
    if (repos) return write(repos);
    const added = wanted ? await this.store.transaction(write) : await this.store.audit.add(input);
    if (wanted) this.publish?.({ type: 'audit_log:created', entry: added });
    return added;
  }

  /** The entry as stored, its actor looked up already (`actor`). */
  static input(entry: AuditEntry, actor: AuditLogInput['actor']): AuditLogInput {
    return {
      action: entry.action,
      domain: entry.domain,
      description: entry.description,
      actor,
      resource: entry.resource,
      request: entry.actor.request ?? { ipAddress: null, userAgent: null },
      metadata: entry.metadata ?? {},
    };
  }

  list(query: AuditLogQuery) {
    return this.store.audit.list(query);
  }

  /** Who the entry names: an agent's email and name as they are now. */
  async actor(a: AuditActor, repos: Pick<Repositories, 'agents'> = this.store): Promise<AuditLogInput['actor']> {
    if (a.actorType === 'admin' && a.actorId) {
      const agent = await repos.agents.get(a.actorId);
      return { type: 'admin', id: a.actorId, email: agent?.email ?? null, name: agent?.name ?? null };
    }
    if (a.actorType === 'api') return { type: 'api_key', id: null, email: null, name: 'PARLEY_API_KEY' };
    return { type: 'system', id: a.actorId ?? null, email: null, name: 'Parley' };
  }
}
