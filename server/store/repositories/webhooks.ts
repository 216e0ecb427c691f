import { sql } from 'kysely';
import type { CoreEvent } from '../../core/events.js';
import { decodeCursor, pageOf } from '../cursor.js';
import { decode, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import { outboxRow } from '../outbox.js';
import type {
  DeliveryInput, DeliveryOutcome, DeliveryRecord, OutboxRecord, Page, WebhookHealth, WebhookInput, WebhookPatch, WebhookQuery, WebhookRecord,
} from '../store.js';

type Row = Record<string, any>;

/** A webhook's health before its first delivery. */
export const EMPTY_HEALTH: WebhookHealth = { lastResponseTime: 0, avgResponseTime: 0, lastSuccessAt: null, errorsSinceLastSuccess: 0, consecutiveFailures: 0 };

const toWebhook = (r: Row): WebhookRecord => ({
  id: r.id,
  name: r.name,
  url: r.url,
  description: r.description,
  topics: decode.json(r.topics),
  status: r.status,
  secret: r.secret,
  headers: decode.json(r.headers),
  timeoutMs: r.timeout_ms,
  lastStatus: r.last_status == null ? null : decode.json(r.last_status),
  health: {
    lastResponseTime: Number(r.last_response_time),
    avgResponseTime: Number(r.avg_response_time),
    lastSuccessAt: decode.time(r.last_success_at),
    errorsSinceLastSuccess: Number(r.errors_since_last_success),
    consecutiveFailures: Number(r.consecutive_failures),
  },
  createdAt: decode.time(r.created_at)!,
  updatedAt: decode.time(r.updated_at)!,
});

const toDelivery = (r: Row): DeliveryRecord => ({
  id: r.id, webhookId: r.webhook_id, topic: r.topic, payload: r.payload, status: r.status, attempts: r.attempts,
  nextAttemptAt: decode.time(r.next_attempt_at)!, lastError: r.last_error, createdAt: decode.time(r.created_at)!, updatedAt: decode.time(r.updated_at)!,
});

/** What one delivery attempt tells about a webhook's health. */
export interface AttemptOutcome {
  ok: boolean;
  code: number;
  message: string;
  elapsedMs: number;
  at: string;
  /** Consecutive failures after which an active webhook is suspended. */
  suspendAfter: number;
}

/** Webhooks, their persisted deliveries, and the outbox of events waiting to become deliveries. */
export class WebhooksRepository {
  constructor(private readonly c: Conn) {}

  async create(input: WebhookInput): Promise<WebhookRecord> {
    const now = new Date().toISOString();
    const row = await this.c.db.insertInto('webhooks').values({
      id: newObjectId(), name: input.name, url: input.url, description: input.description ?? null, topics: JSON.stringify(input.topics), status: 'active',
      secret: input.secret, headers: JSON.stringify(input.headers ?? {}), timeout_ms: input.timeoutMs, last_status: null,
      health: JSON.stringify(EMPTY_HEALTH), created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    return toWebhook(row);
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const r = await this.c.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toWebhook(r) : null;
  }

  /** Newest first. */
  async list(q: WebhookQuery): Promise<Page<WebhookRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const rows = await this.c.db.selectFrom('webhooks').selectAll().select(this.c.seq.as('seq')).where(this.c.seq, '<', before)
      .$if(!!q.status, (qb) => qb.where('status', '=', q.status!))
      .orderBy(this.c.seq, 'desc').limit(q.limit + 1).execute();
    return pageOf(rows, q.limit, toWebhook);
  }

  async count(): Promise<number> {
    const r = await this.c.db.selectFrom('webhooks').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Topics some active webhook subscribes to (the core asks before recording an event). */
  async subscribedTopics(): Promise<Set<string>> {
    const rows = await this.c.db.selectFrom('webhooks').select('topics').where('status', '=', 'active').execute();
    return new Set(rows.flatMap((r) => decode.json(r.topics) as string[]));
  }

  async update(id: string, patch: WebhookPatch): Promise<WebhookRecord | null> {
    const h = patch.health;
    const set = Object.fromEntries(Object.entries({
      name: patch.name,
      url: patch.url,
      description: patch.description === undefined ? undefined : patch.description ?? null,
      topics: patch.topics && JSON.stringify(patch.topics),
      status: patch.status,
      secret: patch.secret,
      headers: patch.headers && JSON.stringify(patch.headers),
      timeout_ms: patch.timeoutMs,
      last_status: patch.lastStatus === undefined ? undefined : patch.lastStatus && JSON.stringify(patch.lastStatus),
      ...(h ? {
        last_response_time: h.lastResponseTime, avg_response_time: h.avgResponseTime, last_success_at: h.lastSuccessAt,
        errors_since_last_success: h.errorsSinceLastSuccess, consecutive_failures: h.consecutiveFailures,
      } : {}),
    }).filter(([, v]) => v !== undefined));
    const r = await this.c.db.updateTable('webhooks').set({ ...set, updated_at: new Date().toISOString() }).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toWebhook(r) : null;
  }

  /**
   * Records one delivery attempt in a single UPDATE: counters move with `x = x + 1`, so
   * attempts finishing together on several processes all count, and an active webhook is
   * suspended once `suspendAfter` attempts in a row have failed.
   */
  async recordAttempt(id: string, o: AttemptOutcome): Promise<WebhookRecord | null> {
    const r = await this.c.db.updateTable('webhooks').set((eb) => ({
      last_status: JSON.stringify({ code: o.code, message: o.message, timestamp: o.at }),
      last_response_time: o.elapsedMs,
      avg_response_time: sql`CASE WHEN avg_response_time = 0 THEN ${o.elapsedMs} ELSE round(avg_response_time * 0.8 + ${o.elapsedMs} * 0.2) END`,
      ...(o.ok
        ? { last_success_at: o.at, errors_since_last_success: 0, consecutive_failures: 0 }
        : {
            errors_since_last_success: eb('errors_since_last_success', '+', 1),
            consecutive_failures: eb('consecutive_failures', '+', 1),
            status: sql`CASE WHEN status = 'active' AND consecutive_failures + 1 >= ${o.suspendAfter} THEN 'suspended' ELSE status END`,
          }),
    })).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toWebhook(r) : null;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.c.db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async enqueueDeliveries(inputs: DeliveryInput[]): Promise<DeliveryRecord[]> {
    if (!inputs.length) return [];
    const now = new Date().toISOString();
    const rows = await this.c.db.insertInto('webhook_deliveries').values(inputs.map((d) => ({
      id: newObjectId(), webhook_id: d.webhookId, topic: d.topic, payload: d.payload, status: 'pending' as const, attempts: 0,
      next_attempt_at: now, created_at: now, updated_at: now,
    }))).returningAll().execute();
    return rows.map(toDelivery);
  }

  /**
   * Atomically claims up to `limit` pending deliveries due at `now`: counts an attempt and
   * moves `nextAttemptAt` to `leaseUntil`, so no other process claims them meanwhile and a
   * delivery whose process died is claimed again after the lease.
   */
  claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<DeliveryRecord[]> {
    return this.c.tx(async ({ db, dialect }) => {
      const due = await dialect.claim(db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at').orderBy(this.c.seq).limit(limit)).execute();
      if (!due.length) return [];
      const rows = await db.updateTable('webhook_deliveries').set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil, updated_at: now }))
        .where('id', 'in', due.map((d) => d.id)).returningAll().execute();
      return rows.map(toDelivery).sort((a, b) => due.findIndex((d) => d.id === a.id) - due.findIndex((d) => d.id === b.id));
    });
  }

  async completeDelivery(id: string, outcome: DeliveryOutcome): Promise<void> {
    await this.c.db.updateTable('webhook_deliveries').set({
      status: outcome.status, next_attempt_at: sql`coalesce(${outcome.nextAttemptAt ?? null}, next_attempt_at)`,
      last_error: outcome.lastError ?? null, updated_at: new Date().toISOString(),
    }).where('id', '=', id).execute();
  }

  /** Newest first. */
  async listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.c.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy(this.c.seq, 'desc').limit(limit).execute();
    return rows.map(toDelivery);
  }

  /** Writes a core event to the outbox; call it in the transaction of the change that fires it. */
  async recordEvent(event: CoreEvent): Promise<void> {
    await this.c.db.insertInto('webhook_outbox').values(outboxRow(event)).execute();
  }

  /** Like claimDueDeliveries, for outbox events: each is handed to one process at a time. */
  claimEvents(now: string, leaseUntil: string, limit: number): Promise<OutboxRecord[]> {
    return this.c.tx(async ({ db, dialect }) => {
      const due = await dialect.claim(db.selectFrom('webhook_outbox').select('id').where('lease_until', '<=', now).orderBy('created_at').orderBy('id').limit(limit)).execute();
      if (!due.length) return [];
      const rows = await db.updateTable('webhook_outbox').set({ lease_until: leaseUntil }).where('id', 'in', due.map((d) => d.id)).returning(['id', 'event', 'created_at']).execute();
      return rows.map((r) => ({ id: r.id, event: JSON.parse(r.event), createdAt: decode.time(r.created_at)! }))
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    });
  }

  /** Outbox events not yet turned into deliveries. */
  async countEvents(): Promise<number> {
    const r = await this.c.db.selectFrom('webhook_outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Turns a claimed outbox event into its deliveries and removes it, in one transaction: an
   * event becomes deliveries exactly once, whichever process dies when.
   */
  dispatchEvent(eventId: string, deliveries: DeliveryInput[]): Promise<DeliveryRecord[]> {
    return this.c.tx(async (c) => {
      const gone = await c.db.deleteFrom('webhook_outbox').where('id', '=', eventId).executeTakeFirst();
      // Claimed again elsewhere after our lease ran out and handled there: nothing to add.
      if (Number(gone.numDeletedRows) === 0) return [];
      return new WebhooksRepository(c).enqueueDeliveries(deliveries);
    });
  }
}
