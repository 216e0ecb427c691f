import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { CoreEvent } from '../core/events.js';
import type { DeliveryRecord, WebhookRecord } from '../store/store.js';
import { AddressNotAllowedError } from './address-policy.js';
import { deliveryHeaders, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './headers.js';
import { postWebhook } from './post.js';
import { itemOf, topicsOf } from './topics.js';

export interface DispatcherOptions {
  /** Attempts per delivery, the first included (PARLEY_WEBHOOK_MAX_ATTEMPTS, default 5). */
  maxAttempts: number;
  /** First retry delay; each next one is 4× longer, capped at 6 h (PARLEY_WEBHOOK_RETRY_BASE_MS, default 60 s). */
  retryBaseMs: number;
  /** How often due retries and deliveries left by a stopped process are looked for (default 5 s). */
  pollMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = { maxAttempts: 5, retryBaseMs: 60_000, pollMs: 5_000 };

const MAX_DELAY_MS = 6 * 3_600_000;
const BATCH = 20;
// Active webhooks are cached briefly: most events (every message) fire a topic nobody
// subscribed to, and that must not cost a query. Changes made here refresh it at once.
const CACHE_MS = 2_000;

/** Featurebase's scheme: hex HMAC-SHA256 of `${timestamp}.${rawBody}` keyed with the webhook secret. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones. */
export const retryDelay = (attempts: number, baseMs: number) => Math.min(baseMs * 4 ** Math.max(0, attempts - 1), MAX_DELAY_MS);

/**
 * Turns committed core changes into signed webhook deliveries. Core events fire only in the
 * process that committed the change, so each event is enqueued by exactly one process;
 * deliveries are rows claimed with a lease, so exactly one process sends each attempt and
 * a restart resumes what was pending. Nothing here is awaited by the request that caused it.
 */
export function startWebhookDispatcher(core: Core, logger: Logger, opts: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS, policy: { allowPrivate: boolean } = { allowPrivate: false }) {
  const { store } = core;
  let cache: { at: number; webhooks: Promise<WebhookRecord[]> } | null = null;
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  const inFlight = new Set<AbortController>();

  // The promise is cached, so a burst of events shares one query instead of one each.
  function activeWebhooks(): Promise<WebhookRecord[]> {
    if (cache && Date.now() - cache.at < CACHE_MS) return cache.webhooks;
    const webhooks = store.webhooks.list({ limit: 100, status: 'active' }).then((page) => page.items);
    const entry = { at: Date.now(), webhooks };
    cache = entry;
    webhooks.catch(() => {
      if (cache === entry) cache = null;
    });
    return webhooks;
  }

  async function enqueue(event: CoreEvent) {
    const topics = topicsOf(event);
    if (!topics.length) return;
    const webhooks = (await activeWebhooks()).filter((w) => topics.some((t) => w.topics.includes(t)));
    if (!webhooks.length) return;
    const { item, changes } = await itemOf(event, store);
    const inputs = [];
    for (const topic of topics) {
      // One event id per topic event, shared by every webhook it goes to (for deduplication).
      const payload = JSON.stringify({
        object: 'notification_event',
        id: `notif_${randomUUID()}`,
        topic,
        createdAt: new Date().toISOString(),
        data: { type: 'notification_event_data', item, ...(changes?.length ? { changes } : {}) },
      });
      for (const w of webhooks) if (w.topics.includes(topic)) inputs.push({ webhookId: w.id, topic, payload });
    }
    await store.webhooks.enqueueDeliveries(inputs);
    kick();
  }

  /** Runs the delivery loop now (coalesced: one loop at a time, rerun if kicked meanwhile). */
  function kick() {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err) => logger.error({ err }, 'webhook delivery loop failed'))
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          kick();
        }
      });
  }

  async function drain() {
    for (;;) {
      const now = Date.now();
      // The lease outlasts the longest request (30 s timeout), so a claim is never taken twice
      // while its attempt may still be running.
      const claimed = await store.webhooks.claimDueDeliveries(new Date(now).toISOString(), new Date(now + 60_000).toISOString(), BATCH);
      if (!claimed.length || closed) return;
      await Promise.all(claimed.map((d) => attempt(d)));
    }
  }

  async function attempt(d: DeliveryRecord) {
    const webhook = await store.webhooks.get(d.webhookId);
    if (!webhook) return; // deleted meanwhile (its deliveries went with it)
    if (webhook.status !== 'active') {
      await store.webhooks.completeDelivery(d.id, { status: 'failed', lastError: `webhook ${webhook.status}` });
      return;
    }
    const timestamp = String(Math.floor(Date.now() / 1000));
    const controller = new AbortController();
    inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), webhook.timeoutMs);
    const started = Date.now();
    let code = 0;
    let message: string;
    let refused = false;
    try {
      const res = await postWebhook(webhook.url, {
        signal: controller.signal,
        allowPrivate: policy.allowPrivate,
        headers: deliveryHeaders(webhook.headers, {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          [SIGNATURE_HEADER]: signPayload(webhook.secret, timestamp, d.payload),
          [TIMESTAMP_HEADER]: timestamp,
          'x-webhook-topic': d.topic,
          'x-webhook-delivery': d.id,
        }),
        body: d.payload,
      });
      code = res.status;
      message = res.statusText || `HTTP ${res.status}`;
    } catch (err) {
      // A forbidden target is a setting to fix, not an outage: fail at once, say why, send nothing.
      refused = err instanceof AddressNotAllowedError;
      message = controller.signal.aborted ? (closed ? 'server stopping' : `timed out after ${webhook.timeoutMs} ms`) : (err as Error).message;
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
    if (closed && code === 0 && !refused) return; // the lease runs out and another start resumes it
    const ok = code >= 200 && code < 300;
    const elapsed = Date.now() - started;
    if (ok) await store.webhooks.completeDelivery(d.id, { status: 'delivered', lastError: null });
    else if (refused) await store.webhooks.completeDelivery(d.id, { status: 'failed', lastError: message });
    else if (d.attempts >= opts.maxAttempts) await store.webhooks.completeDelivery(d.id, { status: 'failed', lastError: `${code || 'no response'}: ${message}` });
    else {
      const next = new Date(Date.now() + retryDelay(d.attempts, opts.retryBaseMs)).toISOString();
      await store.webhooks.completeDelivery(d.id, { status: 'pending', nextAttemptAt: next, lastError: `${code || 'no response'}: ${message}` });
      schedule(retryDelay(d.attempts, opts.retryBaseMs));
    }
    const h = webhook.health;
    await store.webhooks.update(webhook.id, {
      lastStatus: { code, message, timestamp: new Date().toISOString() },
      health: {
        lastResponseTime: elapsed,
        avgResponseTime: Math.round(h.avgResponseTime ? h.avgResponseTime * 0.8 + elapsed * 0.2 : elapsed),
        lastSuccessAt: ok ? new Date().toISOString() : h.lastSuccessAt,
        errorsSinceLastSuccess: ok ? 0 : h.errorsSinceLastSuccess + 1,
        consecutiveFailures: ok ? 0 : h.consecutiveFailures + 1,
      },
    });
  }

  // A retry due sooner than the next poll gets its own timer.
  function schedule(ms: number) {
    if (ms < opts.pollMs) setTimeout(kick, ms + 5).unref();
  }

  const unsubscribe = core.subscribe((event) => {
    if (closed) return;
    enqueue(event).catch((err) => logger.error({ err, event: event.type }, 'webhook enqueue failed'));
  });
  const stopWatching = core.webhooks.onChange(() => {
    cache = null;
  });
  const poll = setInterval(kick, opts.pollMs);
  poll.unref();
  kick(); // deliveries left pending by an earlier run

  return {
    kick,
    async close() {
      closed = true;
      unsubscribe();
      stopWatching();
      clearInterval(poll);
      for (const c of inFlight) c.abort();
      await running;
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof startWebhookDispatcher>;
