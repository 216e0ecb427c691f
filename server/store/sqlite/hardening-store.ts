import type Database from 'better-sqlite3';
import { newObjectId } from '../ids.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type {
  AuditLogInput, AuditLogQuery, AuditLogRecord, BlockRuleInput, BlockRuleRecord, ContactSeen, DeliveryInput, DeliveryOutcome,
  DeliveryRecord, WebhookInput, WebhookPatch, WebhookQuery, WebhookRecord,
} from '../store.js';
import type { HardeningStorePart } from '../store-parts.js';
import { EMPTY_HEALTH, WEBHOOK_COLUMNS } from '../webhook-columns.js';

type Row = Record<string, any>;

const toRule = (r: Row): BlockRuleRecord => ({
  id: r.id, kind: r.kind, value: r.value, sourceContactId: r.source_contact_id, expiresAt: r.expires_at, createdAt: r.created_at,
});

const toWebhook = (r: Row): WebhookRecord => ({
  id: r.id,
  name: r.name,
  url: r.url,
  description: r.description,
  topics: JSON.parse(r.topics),
  status: r.status,
  secret: r.secret,
  headers: JSON.parse(r.headers),
  timeoutMs: r.timeout_ms,
  lastStatus: r.last_status ? JSON.parse(r.last_status) : null,
  health: JSON.parse(r.health),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toDelivery = (r: Row): DeliveryRecord => ({
  id: r.id, webhookId: r.webhook_id, topic: r.topic, payload: r.payload, status: r.status, attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at, updatedAt: r.updated_at,
});

const toAudit = (r: Row): AuditLogRecord => ({
  id: r.id,
  action: r.action,
  domain: r.domain,
  description: r.description,
  actor: { type: r.actor_type, id: r.actor_id, email: r.actor_email, name: r.actor_name },
  resource: { type: r.resource_type, id: r.resource_id, name: r.resource_name },
  request: { ipAddress: r.ip_address, userAgent: r.user_agent },
  metadata: JSON.parse(r.metadata),
  createdAt: r.created_at,
});

/** Wider blocks, webhooks with their deliveries, and the audit log for SqliteStore (migration 3). */
export function sqliteHardeningStore(db: Database.Database): HardeningStorePart {
  const stmt = {
    seen: db.prepare(`UPDATE contacts SET last_ip = coalesce(@ip, last_ip), last_device_id = coalesce(@deviceId, last_device_id)
      WHERE id = @id AND (last_ip IS NOT coalesce(@ip, last_ip) OR last_device_id IS NOT coalesce(@deviceId, last_device_id))`),
    getSeen: db.prepare('SELECT last_ip, last_device_id FROM contacts WHERE id = ?'),
    linkDevice: db.prepare('INSERT OR IGNORE INTO contact_devices (contact_id, device_id, linked_at) VALUES (?, ?, ?)'),
    insertRule: db.prepare(`INSERT INTO block_rules (id, kind, value, source_contact_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
    ruleById: db.prepare('SELECT * FROM block_rules WHERE id = ?'),
    activeRule: db.prepare(`SELECT * FROM block_rules WHERE ((kind = 'ip' AND value = @ip) OR (kind = 'device' AND value = @deviceId))
      AND (expires_at IS NULL OR expires_at > @now) ORDER BY created_at DESC, rowid DESC LIMIT 1`),
    rulesOf: db.prepare('SELECT * FROM block_rules WHERE source_contact_id = ? ORDER BY created_at, rowid'),
    removeRules: db.prepare('DELETE FROM block_rules WHERE source_contact_id = ?'),
    insertWebhook: db.prepare(`INSERT INTO webhooks (id, name, url, description, topics, status, secret, headers, timeout_ms, last_status, health, created_at, updated_at)
      VALUES (@id, @name, @url, @description, @topics, 'active', @secret, @headers, @timeoutMs, NULL, @health, @now, @now)`),
    webhookById: db.prepare('SELECT rowid AS seq, * FROM webhooks WHERE id = ?'),
    countWebhooks: db.prepare('SELECT count(*) FROM webhooks').pluck(),
    deleteWebhook: db.prepare('DELETE FROM webhooks WHERE id = ?'),
    insertDelivery: db.prepare(`INSERT INTO webhook_deliveries (id, webhook_id, topic, payload, status, attempts, next_attempt_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`),
    deliveryById: db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?'),
    due: db.prepare(`SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, rowid LIMIT ?`),
    claim: db.prepare(`UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, updated_at = ? WHERE id = ?`),
    complete: db.prepare(`UPDATE webhook_deliveries SET status = @status, next_attempt_at = coalesce(@nextAttemptAt, next_attempt_at),
      last_error = @lastError, updated_at = @now WHERE id = @id`),
    deliveriesOf: db.prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY rowid DESC LIMIT ?'),
    insertAudit: db.prepare(`INSERT INTO audit_logs (id, action, domain, description, actor_type, actor_id, actor_email, actor_name,
      resource_type, resource_id, resource_name, ip_address, user_agent, metadata, created_at)
      VALUES (@id, @action, @domain, @description, @actorType, @actorId, @actorEmail, @actorName, @resourceType, @resourceId, @resourceName,
      @ipAddress, @userAgent, @metadata, @createdAt)`),
    auditById: db.prepare('SELECT * FROM audit_logs WHERE id = ?'),
  };

  return {
    async recordContactSeen(id, seen) {
      // A new device is linked only when it differs from the last one: a reconnect writes nothing.
      const changed = stmt.seen.run({ id, ip: seen.ip ?? null, deviceId: seen.deviceId ?? null }).changes > 0;
      if (changed && seen.deviceId) stmt.linkDevice.run(id, seen.deviceId, new Date().toISOString());
    },
    async getContactSeen(id): Promise<ContactSeen | null> {
      const r = stmt.getSeen.get(id) as Row | undefined;
      return r ? { ip: r.last_ip, deviceId: r.last_device_id } : null;
    },
    async addBlockRules(rules: BlockRuleInput[]) {
      const now = new Date().toISOString();
      return db.transaction(() => rules.map((rule) => {
        const id = newObjectId();
        stmt.insertRule.run(id, rule.kind, rule.value, rule.sourceContactId, rule.expiresAt, now);
        return toRule(stmt.ruleById.get(id) as Row);
      }))();
    },
    async findActiveBlockRule(match, now) {
      if (!match.ip && !match.deviceId) return null;
      const r = stmt.activeRule.get({ ip: match.ip ?? null, deviceId: match.deviceId ?? null, now }) as Row | undefined;
      return r ? toRule(r) : null;
    },
    async listBlockRules(sourceContactId) {
      return (stmt.rulesOf.all(sourceContactId) as Row[]).map(toRule);
    },
    async removeBlockRules(sourceContactId) {
      return stmt.removeRules.run(sourceContactId).changes;
    },

    async createWebhook(input: WebhookInput) {
      const id = newObjectId();
      stmt.insertWebhook.run({
        id, name: input.name, url: input.url, description: input.description ?? null, topics: JSON.stringify(input.topics),
        secret: input.secret, headers: JSON.stringify(input.headers ?? {}), timeoutMs: input.timeoutMs,
        health: JSON.stringify(EMPTY_HEALTH), now: new Date().toISOString(),
      });
      return toWebhook(stmt.webhookById.get(id) as Row);
    },
    async getWebhook(id) {
      const r = stmt.webhookById.get(id) as Row | undefined;
      return r ? toWebhook(r) : null;
    },
    async listWebhooks(q: WebhookQuery) {
      const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
      const rows = db.prepare(`SELECT rowid AS seq, * FROM webhooks WHERE rowid < @before ${q.status ? 'AND status = @status' : ''}
        ORDER BY rowid DESC LIMIT @limit`).all({ before, status: q.status, limit: q.limit + 1 }) as Row[];
      return pageOf(rows, q.limit, toWebhook);
    },
    async countWebhooks() {
      return stmt.countWebhooks.get() as number;
    },
    async updateWebhook(id, patch: WebhookPatch) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [key, value] of Object.entries(patch)) {
        const column = WEBHOOK_COLUMNS[key];
        if (!column || value === undefined) continue;
        sets.push(`${column[0]} = ?`);
        values.push(column[1](value));
      }
      if (!stmt.webhookById.get(id)) return null;
      if (sets.length) db.prepare(`UPDATE webhooks SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...values, new Date().toISOString(), id);
      return toWebhook(stmt.webhookById.get(id) as Row);
    },
    async deleteWebhook(id) {
      return stmt.deleteWebhook.run(id).changes > 0;
    },
    async enqueueDeliveries(inputs: DeliveryInput[]) {
      const now = new Date().toISOString();
      return db.transaction(() => inputs.map((d) => {
        const id = newObjectId();
        stmt.insertDelivery.run(id, d.webhookId, d.topic, d.payload, now, now, now);
        return toDelivery(stmt.deliveryById.get(id) as Row);
      }))();
    },
    async claimDueDeliveries(now, leaseUntil, limit) {
      // BEGIN IMMEDIATE: processes sharing the file take turns, so each row is claimed once.
      return db.transaction(() => (stmt.due.all(now, limit) as Row[]).map((r) => {
        stmt.claim.run(leaseUntil, now, r.id);
        return toDelivery(stmt.deliveryById.get(r.id) as Row);
      })).immediate();
    },
    async completeDelivery(id, outcome: DeliveryOutcome) {
      stmt.complete.run({ id, status: outcome.status, nextAttemptAt: outcome.nextAttemptAt ?? null, lastError: outcome.lastError ?? null, now: new Date().toISOString() });
    },
    async listDeliveries(webhookId, limit) {
      return (stmt.deliveriesOf.all(webhookId, limit) as Row[]).map(toDelivery);
    },

    async addAuditLog(input: AuditLogInput) {
      const id = newObjectId();
      stmt.insertAudit.run({
        id, action: input.action, domain: input.domain, description: input.description,
        actorType: input.actor.type, actorId: input.actor.id, actorEmail: input.actor.email, actorName: input.actor.name,
        resourceType: input.resource.type, resourceId: input.resource.id, resourceName: input.resource.name,
        ipAddress: input.request.ipAddress, userAgent: input.request.userAgent, metadata: JSON.stringify(input.metadata ?? {}),
        createdAt: new Date().toISOString(),
      });
      return toAudit(stmt.auditById.get(id) as Row);
    },
    async listAuditLogs(q: AuditLogQuery) {
      const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
      const where = ['rowid < @before'];
      if (q.action) where.push('action = @action');
      if (q.domain) where.push('domain = @domain');
      if (q.startDate) where.push('created_at >= @startDate');
      if (q.endDate) where.push('created_at <= @endDate');
      const rows = db.prepare(`SELECT rowid AS seq, * FROM audit_logs WHERE ${where.join(' AND ')} ORDER BY rowid DESC LIMIT @limit`)
        .all({ before, action: q.action, domain: q.domain, startDate: q.startDate, endDate: q.endDate, limit: q.limit + 1 }) as Row[];
      return pageOf(rows, q.limit, toAudit);
    },
  };
}
