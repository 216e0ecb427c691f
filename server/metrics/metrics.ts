import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CoreEvent } from '../core/events.js';
import type { AckObserver } from '../realtime/ack-tracker.js';
import type { StoreObserver } from '../store/observer.js';

/** What the metrics read at scrape time (nothing of it runs on the request path). */
export interface MetricSources {
  /** Open sockets in this process, per namespace. */
  connected(): { visitors: number; agents: number };
  /** Webhook outbox events not yet turned into deliveries (all processes: it is a table). */
  outboxDepth(): Promise<number>;
}

// Store work is mostly sub-millisecond (SQLite) to a few milliseconds (PostgreSQL).
const STORE_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'failed';

// Socket events that send a message, and who sends with them.
const SENDS: Record<string, 'visitor' | 'agent'> = {
  '/messenger message:send': 'visitor',
  '/agents conversation:reply': 'agent',
  '/agents conversation:note': 'agent',
};

/**
 * Prometheus metrics of one Parley process, in a registry of its own (two servers in one
 * process, as in tests, do not mix). Observers only count: the core publishes its events
 * and the socket layer reports answers; nothing here is awaited by a request.
 */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  // Process, heap, GC and event-loop delay (nodejs_eventloop_lag_*), under their usual names;
  // their monitors start at the first scrape, so a server nobody scrapes runs none.
  let defaults = false;

  new Gauge({
    name: 'parley_connected_visitors', help: 'Open messenger sockets in this process', registers: [registry],
    collect() {
      this.set(sources.connected().visitors);
    },
  });
  new Gauge({
    name: 'parley_connected_agents', help: 'Open console sockets in this process', registers: [registry],
    collect() {
      this.set(sources.connected().agents);
    },
  });
  const sends = new Counter({
    name: 'parley_sends_total', help: 'Socket message sends by sender and outcome (ok, or the error code: contact_blocked, rate_limited, ...)',
    labelNames: ['sender', 'outcome'] as const, registers: [registry],
  });
  const answers = new Histogram({
    name: 'parley_socket_ack_seconds', help: 'Time from a socket event to its answer (ack), by namespace, event and outcome',
    labelNames: ['namespace', 'event', 'outcome'] as const, registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const blocks = new Counter({
    name: 'parley_block_changes_total', help: 'Contacts blocked and unblocked (changes only, committed)',
    labelNames: ['action'] as const, registers: [registry],
  });
  const attempts = new Counter({
    name: 'parley_webhook_attempts_total', help: 'Webhook delivery attempts by outcome (delivered, retry, failed for good)',
    labelNames: ['outcome'] as const, registers: [registry],
  });
  new Gauge({
    name: 'parley_webhook_outbox_depth', help: 'Webhook outbox events waiting to become deliveries', registers: [registry],
    async collect() {
      // A scrape during a store outage still answers, without this gauge's value.
      this.set(await sources.outboxDepth().catch(() => Number.NaN));
    },
  });

  // The store's own work, reported through the observer it is created with. Unlabelled
  // children, made once: an observation costs what prom-client's observe costs, no more.
  const queries = new Histogram({
    name: 'parley_store_query_seconds', help: 'Duration of each store query through Kysely (everything but the message append)',
    registers: [registry], buckets: STORE_SECONDS,
  }).labels();
  const batchSizes = new Histogram({
    name: 'parley_store_append_batch_size', help: 'Messages appended per append transaction (the group commit; 1 when an append goes alone)',
    registers: [registry], buckets: [1, 2, 4, 8, 16, 32, 64, 128],
  }).labels();
  const batchTimes = new Histogram({
    name: 'parley_store_append_batch_seconds', help: 'Duration of each append transaction, from its start to its commit',
    registers: [registry], buckets: STORE_SECONDS,
  }).labels();
  const observeStore: StoreObserver = {
    onQuery: (ms) => queries.observe(ms / 1000),
    onAppendBatch: (size, ms) => {
      batchSizes.observe(size);
      batchTimes.observe(ms / 1000);
    },
  };

  // One child per label set, found by a string key: the label sets are few (events with a
  // handler × catalog codes), and this runs on every answered event.
  const perAnswer = new Map<string, { latency: { observe(v: number): void }; send: { inc(): void } | null }>();
  const observeAck: AckObserver = (namespace, event, outcome, seconds) => {
    const key = `${namespace} ${event} ${outcome}`;
    let children = perAnswer.get(key);
    if (!children) {
      const sender = SENDS[`${namespace} ${event}`];
      children = { latency: answers.labels({ namespace, event, outcome }), send: sender ? sends.labels({ sender, outcome }) : null };
      perAnswer.set(key, children);
    }
    children.latency.observe(seconds);
    children.send?.inc();
  };
  const observeCore = (e: CoreEvent) => {
    if (e.type === 'contact:blocked') blocks.inc({ action: 'block' });
    else if (e.type === 'contact:unblocked') blocks.inc({ action: 'unblock' });
  };
  const observeWebhookAttempt = (outcome: WebhookAttemptOutcome) => attempts.inc({ outcome });

  return {
    registry,
    observeAck,
    observeCore,
    observeWebhookAttempt,
    /** Passed to the store when it is created (createStore's `observer`). */
    observeStore,
    /** The text exposition format and its content type. */
    async scrape(): Promise<{ contentType: string; body: string }> {
      if (!defaults) {
        defaults = true;
        collectDefaultMetrics({ register: registry });
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    close() {
      registry.clear();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
