import { AuditLogQuery } from '../../../protocol/schemas/rest.js';
import type { Core } from '../../core/core.js';
import { auditLogJson } from '../../presenters/rest.js';
import { route } from '../route.js';

/** `GET /v2/audit-logs`: newest first, filtered by action, domain and date range. */
export const auditLogRoutes = (core: Core) => [
  route({
    method: 'GET', url: '/v2/audit-logs', summary: 'List audit log entries, newest first', auth: 'bearer', minVersion: '2026-01-01.nova',
    query: AuditLogQuery, responses: { 200: 'A page of audit log entries' },
    handler: async ({ query: { limit, cursor, action, domain, startDate, endDate } }) => {
      const page = await core.audit.list({ limit, cursor, action, domain, startDate, endDate });
      return { object: 'list', data: page.items.map(auditLogJson), nextCursor: page.nextCursor };
    },
  }),
];
