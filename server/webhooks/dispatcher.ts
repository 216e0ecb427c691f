import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { DeliveryInput, DeliveryRecord, OutboxRecord, WebhookRecord } from '../store/store.js';
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
  /** Failed attempts in a row after which an active webhook is suspended (PARLEY_WEBHOOK_SUSPEND_AFTER, default 20). */
  suspendAfterFailures?: number;
  /** Tests only (PARLEY_TEST_CRASH_AFTER_COMMIT=outbox): die by SIGKILL when an outbox event is about to be dispatched. */
  crashBeforeDispatch?: boolean;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = { maxAttempts: 5, retryBaseMs: 60_000, pollMs: 5_000, suspendAfterFailures: 20 };

const MAX_DELAY_MS = 6 * 3_600_000;
const BATCH = 20;
// Active webhooks are cached briefly: a burst of outbox events (a busy conversation) shares
// one query. Changes made here refresh it at once.
const CACHE_MS = 2_000;

/** Featurebase's scheme: hex HMAC-SHA256 of `${timestamp}.${rawBody}` keyed with the webhook secret. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones. */
export const retryDelay = (attempts: number, baseMs: number) => Math.min(baseMs * 4 ** Math.max(0, attempts - 1), MAX_DELAY_MS);

/**
 * Turns committed changes into signed webhook deliveries. The change wrote its event to the
 * outbox in its own transaction; here outbox events are claimed with a lease and each is
 * turned into its deliveries (and removed) in one transaction, so every event becomes
 * deliveries exactly once even if a process dies anywhere. Deliveries are rows claimed with a
 * lease too, so exactly one process sends each attempt and a restart resumes what was
 * pending. Commits in this process nudge the loop; a poll picks up the rest. Nothing here is
 * awaited by the request that caused it.
 */
export function startWebhookDispatcher(
  core: Core, logger: Logger, opts: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS, policy: { allowPrivate: boolean } = { allowPrivate: false },
  /** Told how each finished attempt ended (metrics). */
  onAttempt: (outcome: 'delivered' | 'retry' | 'failed') => void = () => {},
) {
  const queue = core.webhooks.queue;
  let cache: { at: number; webhooks: Promise<WebhookRecord[]> } | null = null;
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  const inFlight = new Set<AbortController>();

  // The promise is cached, so a burst of events shares one query instead of one each.
  function activeWebhooks(): Promise<WebhookRecord[]> {
    if (cache && Date.now() - cache.at < CACHE_MS) return cache.webhooks;
    const webhooks = queue.list({ limit: 100, status: 'active' }).then((page) => page.items);
    const entry = { at: Date.now(), webhooks };
    cache = entry;
    webhooks.catch(() => {
      if (cache === entry) cache = null;
    });
    return webhooks;
  }

  /** The deliveries of one outbox event: one per topic it fires and webhook subscribed to it. */
  async function deliveriesOf({ event, createdAt }: OutboxRecord): Promise<DeliveryInput[]> {
    const topics = topicsOf(event);
    const webhooks = topics.length ? (await activeWebhooks()).filter((w) => topics.some((t) => w.topics.includes(t))) : [];
    if (!webhooks.length) return [];
    const { item, changes } = await itemOf(event, {
      contactOf: (id) => core.contacts.find(id),
      tagsOf: async (id) => (await core.tags.of([id])).get(id) ?? [],
    });
    const inputs: DeliveryInput[] = [];
    for (const topic of topics) {
      // One event id per topic event, shared by every webhook it goes to (for deduplication).
      const payload = JSON.stringify({
        object: 'notification_event',
        id: `notif_${randomUUID()}`,
        topic,
        createdAt,
        data: { type: 'notification_event_data', item, ...(changes?.length ? { changes } : {}) },
      });
      for (const w of webhooks) if (w.topics.includes(topic)) inputs.push({ webhookId: w.id, topic, payload });
    }
    return inputs;
  }

  /** Outbox events (this process's and any left by a process that died) into deliveries. */
  async function dispatchEvents() {
    for (;;) {
      if (opts.crashBeforeDispatch && (await queue.countEvents()) > 0) process.kill(process.pid, 'SIGKILL');
      const now = Date.now();
      const claimed = await queue.claimEvents(new Date(now).toISOString(), new Date(now + 60_000).toISOString(), BATCH);
      if (!claimed.length || closed) return;
      for (const e of claimed) await queue.dispatchEvent(e.id, await deliveriesOf(e));
    }
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
    await dispatchEvents();
    for (;;) {
      const now = Date.now();
      // The lease outlasts the longest request (30 s timeout), so a claim is never taken twice
      // while its attempt may still be running.
      const claimed = await queue.claimDueDeliveries(new Date(now).toISOString(), new Date(now + 60_000).toISOString(), BATCH);
      if (!claimed.length || closed) return;
      await Promise.all(claimed.map((d) => attempt(d)));
    }
  }

  async function attempt(d: DeliveryRecord) {
    const webhook = await queue.get(d.webhookId);
    if (!webhook) return; // deleted meanwhile (its deliveries went with it)
    if (webhook.status !== 'active') {
      await queue.completeDelivery(d.id, { status: 'failed', lastError: `webhook ${webhook.status}` });
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
    onAttempt(ok ? 'delivered' : refused || d.attempts >= opts.maxAttempts ? 'failed' : 'retry');
    if (ok) await queue.completeDelivery(d.id, { status: 'delivered', lastError: null });
    else if (refused) await queue.completeDelivery(d.id, { status: 'failed', lastError: message });
    else if (d.attempts >= opts.maxAttempts) await queue.completeDelivery(d.id, { status: 'failed', lastError: `${code || 'no response'}: ${message}` });
    else {
      const next = new Date(Date.now() + retryDelay(d.attempts, opts.retryBaseMs)).toISOString();
      await queue.completeDelivery(d.id, { status: 'pending', nextAttemptAt: next, lastError: `${code || 'no response'}: ${message}` });
      schedule(retryDelay(d.attempts, opts.retryBaseMs));
    }
    // One atomic UPDATE: attempts finishing together (here or on other processes) all count.
    const after = await queue.recordAttempt(webhook.id, {
      ok, code, message, elapsedMs: elapsed, at: new Date().toISOString(), suspendAfter: opts.suspendAfterFailures ?? DEFAULT_DISPATCHER_OPTIONS.suspendAfterFailures!,
    });
    if (after?.status === 'suspended') {
      cache = null;
      logger.warn({ webhookId: webhook.id, consecutiveFailures: after.health.consecutiveFailures }, 'webhook suspended after consecutive failures');
    }
  }

  // A retry due sooner than the next poll gets its own timer.
  function schedule(ms: number) {
    if (ms < opts.pollMs) setTimeout(kick, ms + 5).unref();
  }

  // A commit here that wrote an outbox event: dispatch now rather than at the next poll. Only
  // a topic some webhook wants was written (the cached answer the writer asked too); waking the
  // loop for every message would run its claim queries against the append at full load.
  const unsubscribe = core.subscribe((event) => {
    const topics = topicsOf(event);
    if (closed || !topics.length) return;
    core.webhooks.wants(topics).then((wanted) => wanted && kick(), () => kick());
  });
  const stopWatching = core.webhooks.onChange(() => {
    cache = null;
  });
  const poll = setInterval(kick, opts.pollMs);
  poll.unref();
  kick(); // events and deliveries left pending by an earlier run

  return {
    kick,
    /** Turns the outbox events committed so far into stored deliveries, so none waits for a later start (shutdown). */
    async flush() {
      await running;
      await dispatchEvents();
    },
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
