import type pg from 'pg';
import { newObjectId } from '../ids.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type {
  AuditLogInput, AuditLogQuery, AuditLogRecord, BlockRuleRecord, DeliveryRecord, WebhookPatch, WebhookQuery, WebhookRecord,
} from '../store.js';
import type { HardeningStorePart } from '../store-parts.js';
import { EMPTY_HEALTH, WEBHOOK_COLUMNS } from '../webhook-columns.js';
import { iso, type Row } from './rows.js';

const toRule = (r: Row): BlockRuleRecord => ({
  id: r.id, kind: r.kind, value: r.value, sourceContactId: r.source_contact_id, expiresAt: iso(r.expires_at), createdAt: iso(r.created_at)!,
});

const toWebhook = (r: Row): WebhookRecord => ({
  id: r.id,
  name: r.name,
  url: r.url,
  description: r.description,
  topics: r.topics,
  status: r.status,
  secret: r.secret,
  headers: r.headers,
  timeoutMs: r.timeout_ms,
  lastStatus: r.last_status,
  health: r.health,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const toDelivery = (r: Row): DeliveryRecord => ({
  id: r.id, webhookId: r.webhook_id, topic: r.topic, payload: r.payload, status: r.status, attempts: r.attempts,
  nextAttemptAt: iso(r.next_attempt_at)!, lastError: r.last_error, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
});

const toAudit = (r: Row): AuditLogRecord => ({
  id: r.id,
  action: r.action,
  domain: r.domain,
  description: r.description,
  actor: { type: r.actor_type, id: r.actor_id, email: r.actor_email, name: r.actor_name },
  resource: { type: r.resource_type, id: r.resource_id, name: r.resource_name },
  request: { ipAddress: r.ip_address, userAgent: r.user_agent },
  metadata: r.metadata,
  createdAt: iso(r.created_at)!,
});

/** Wider blocks, webhooks with their deliveries, and the audit log for PgStore (migration 3). */
export function pgHardeningStore(pool: pg.Pool): HardeningStorePart {
  const q = async (text: string, values: unknown[] = []) => (await pool.query<Row>(text, values)).rows;

  return {
    async recordContactSeen(id, seen) {
      // Writes only when something changed, so a reconnect costs a read, not a row version.
      const r = await pool.query(
        `UPDATE contacts SET last_ip = coalesce($2, last_ip), last_device_id = coalesce($3, last_device_id)
         WHERE id = $1 AND (last_ip IS DISTINCT FROM coalesce($2, last_ip) OR last_device_id IS DISTINCT FROM coalesce($3, last_device_id))`,
        [id, seen.ip ?? null, seen.deviceId ?? null],
      );
      // A new device is linked only when it differs from the last one: a reconnect writes nothing.
      if (r.rowCount && seen.deviceId) {
        await pool.query('INSERT INTO contact_devices (contact_id, device_id, linked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [id, seen.deviceId, new Date()]);
      }
    },
    async getContactSeen(id) {
      const [r] = await q('SELECT last_ip, last_device_id FROM contacts WHERE id = $1', [id]);
      return r ? { ip: r.last_ip, deviceId: r.last_device_id } : null;
    },
    async addBlockRules(rules) {
      if (!rules.length) return [];
      const now = new Date().toISOString();
      const values: unknown[] = [];
      const tuples = rules.map((rule, i) => {
        values.push(newObjectId(), rule.kind, rule.value, rule.sourceContactId, rule.expiresAt, now);
        return `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`;
      });
      const rows = await q(`INSERT INTO block_rules (id, kind, value, source_contact_id, expires_at, created_at) VALUES ${tuples.join(', ')} RETURNING *`, values);
      return rows.map(toRule);
    },
    async findActiveBlockRule(match, now) {
      if (!match.ip && !match.deviceId) return null;
      const [r] = await q(
        `SELECT * FROM block_rules WHERE ((kind = 'ip' AND value = $1) OR (kind = 'device' AND value = $2))
         AND (expires_at IS NULL OR expires_at > $3) ORDER BY created_at DESC, seq DESC LIMIT 1`,
        [match.ip ?? null, match.deviceId ?? null, now],
      );
      return r ? toRule(r) : null;
    },
    async listBlockRules(sourceContactId) {
      return (await q('SELECT * FROM block_rules WHERE source_contact_id = $1 ORDER BY created_at, seq', [sourceContactId])).map(toRule);
    },
    async removeBlockRules(sourceContactId) {
      return (await pool.query('DELETE FROM block_rules WHERE source_contact_id = $1', [sourceContactId])).rowCount ?? 0;
    },

    async createWebhook(input) {
      const now = new Date().toISOString();
      const [r] = await q(
        `INSERT INTO webhooks (id, name, url, description, topics, status, secret, headers, timeout_ms, last_status, health, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, NULL, $9, $10, $10) RETURNING *`,
        [newObjectId(), input.name, input.url, input.description ?? null, JSON.stringify(input.topics), input.secret,
          JSON.stringify(input.headers ?? {}), input.timeoutMs, JSON.stringify(EMPTY_HEALTH), now],
      );
      return toWebhook(r);
    },
    async getWebhook(id) {
      const [r] = await q('SELECT * FROM webhooks WHERE id = $1', [id]);
      return r ? toWebhook(r) : null;
    },
    async listWebhooks(query: WebhookQuery) {
      const before = query.cursor ? decodeCursor(query.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
      const values: unknown[] = [before, query.limit + 1];
      if (query.status) values.push(query.status);
      const rows = await q(`SELECT * FROM webhooks WHERE seq < $1 ${query.status ? 'AND status = $3' : ''} ORDER BY seq DESC LIMIT $2`, values);
      return pageOf(rows, query.limit, toWebhook);
    },
    async countWebhooks() {
      return (await q('SELECT count(*)::int AS n FROM webhooks'))[0].n;
    },
    async updateWebhook(id, patch: WebhookPatch) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [key, value] of Object.entries(patch)) {
        const column = WEBHOOK_COLUMNS[key];
        if (!column || value === undefined) continue;
        values.push(column[1](value));
        sets.push(`${column[0]} = $${values.length}`);
      }
      values.push(new Date().toISOString(), id);
      sets.push(`updated_at = $${values.length - 1}`);
      const [r] = await q(`UPDATE webhooks SET ${sets.join(', ')} WHERE id = $${values.length} RETURNING *`, values);
      return r ? toWebhook(r) : null;
    },
    async deleteWebhook(id) {
      return ((await pool.query('DELETE FROM webhooks WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async enqueueDeliveries(inputs) {
      if (!inputs.length) return [];
      const now = new Date().toISOString();
      const values: unknown[] = [now];
      const tuples = inputs.map((d) => {
        values.push(newObjectId(), d.webhookId, d.topic, d.payload);
        const n = values.length;
        return `($${n - 3}, $${n - 2}, $${n - 1}, $${n}, 'pending', 0, $1, $1, $1)`;
      });
      const rows = await q(
        `INSERT INTO webhook_deliveries (id, webhook_id, topic, payload, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES ${tuples.join(', ')} RETURNING *`,
        values,
      );
      return rows.map(toDelivery);
    },
    async claimDueDeliveries(now, leaseUntil, limit) {
      // SKIP LOCKED: processes polling together each take different rows.
      const rows = await q(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $2, updated_at = $1
         WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, leaseUntil, limit],
      );
      return rows.map(toDelivery);
    },
    async completeDelivery(id, outcome) {
      await pool.query(
        `UPDATE webhook_deliveries SET status = $2, next_attempt_at = coalesce($3, next_attempt_at), last_error = $4, updated_at = $5 WHERE id = $1`,
        [id, outcome.status, outcome.nextAttemptAt ?? null, outcome.lastError ?? null, new Date().toISOString()],
      );
    },
    async listDeliveries(webhookId, limit) {
      return (await q('SELECT * FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY seq DESC LIMIT $2', [webhookId, limit])).map(toDelivery);
    },

    async addAuditLog(input: AuditLogInput) {
      const [r] = await q(
        `INSERT INTO audit_logs (id, action, domain, description, actor_type, actor_id, actor_email, actor_name,
           resource_type, resource_id, resource_name, ip_address, user_agent, metadata, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *`,
        [newObjectId(), input.action, input.domain, input.description, input.actor.type, input.actor.id, input.actor.email, input.actor.name,
          input.resource.type, input.resource.id, input.resource.name, input.request.ipAddress, input.request.userAgent,
          JSON.stringify(input.metadata ?? {}), new Date().toISOString()],
      );
      return toAudit(r);
    },
    async listAuditLogs(query: AuditLogQuery) {
      const values: unknown[] = [query.cursor ? decodeCursor(query.cursor) ?? 0 : Number.MAX_SAFE_INTEGER, query.limit + 1];
      const where = ['seq < $1'];
      const add = (clause: string, value: unknown) => {
        values.push(value);
        where.push(clause.replace('?', `$${values.length}`));
      };
      if (query.action) add('action = ?', query.action);
      if (query.domain) add('domain = ?', query.domain);
      if (query.startDate) add('created_at >= ?', query.startDate);
      if (query.endDate) add('created_at <= ?', query.endDate);
      const rows = await q(`SELECT * FROM audit_logs WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $2`, values);
      return pageOf(rows, query.limit, toAudit);
    },
  };
}
