import { ParleyError } from '../../core/errors.js';
import type { AuditLogRecord } from '../../store/store.js';
import { pageParams, requireNova, type ApiContext } from '../context.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';

/** Audit log entry as featurebase-node's `AuditLogListResponse` shapes it. */
export function auditLogJson(e: AuditLogRecord) {
  return {
    object: 'audit_log' as const,
    id: e.id,
    action: e.action,
    domain: e.domain,
    description: e.description,
    actor: {
      id: e.actor.id,
      type: e.actor.type,
      email: e.actor.email ?? '',
      name: e.actor.name,
      apiKey: e.actor.type === 'api_key' ? { id: 'default', name: 'PARLEY_API_KEY' } : null,
    },
    resource: e.resource,
    request: e.request,
    metadata: e.metadata,
    correlationId: null,
    createdAt: e.createdAt,
  };
}

const NAME = /^[a-z_]{1,40}(\.[a-z_]{1,60})?$/;

function dateParam(ctx: ApiContext, name: 'startDate' | 'endDate'): string | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  const t = Date.parse(raw);
  if (raw.length > 40 || Number.isNaN(t)) throw new ParleyError('invalid_payload', `${name} must be an ISO 8601 date-time.`);
  return new Date(t).toISOString();
}

/** `GET /v2/audit-logs`: newest first, filtered by action, domain and date range. */
export function auditLogRoutes(router: Router<ApiContext>): void {
  router.on('GET', '/v2/audit-logs', async (ctx) => {
    requireNova(ctx);
    const action = ctx.query.get('action') || undefined;
    const domain = ctx.query.get('domain') || undefined;
    if (action && !NAME.test(action)) throw new ParleyError('invalid_payload', 'action must look like domain.verb, e.g. security.user_banned.');
    if (domain && !NAME.test(domain)) throw new ParleyError('invalid_payload', 'domain must be a domain name, e.g. security.');
    const page = await ctx.core.audit.list({ ...pageParams(ctx), action, domain, startDate: dateParam(ctx, 'startDate'), endDate: dateParam(ctx, 'endDate') });
    sendJson(ctx.res, 200, { object: 'list', data: page.items.map(auditLogJson), nextCursor: page.nextCursor });
  });
}
