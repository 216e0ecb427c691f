import type { Logger } from 'pino';
import { within } from './time-limit.js';

/** One dependency's state as /readyz shows it: 'ok' (or 'done'), else a short word for what is wrong. */
export type CheckState = string;

export type Lifecycle = 'starting' | 'serving' | 'stopping';

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckState>;
}

/** What readiness needs to know about a Redis connection (node-redis clients have both). */
export interface RedisLike {
  readonly isReady: boolean;
  ping(): Promise<unknown>;
}

export interface ReadinessDeps {
  /** Migrations not applied yet; rejects while the store is unreachable. */
  pendingMigrations(): Promise<number>;
  /** The Redis connections in use (publisher first); empty without REDIS_URL. */
  redis: readonly RedisLike[];
  /** Not 'serving' while starting and once shutdown began: a load balancer should send nothing new then. */
  lifecycle(): Lifecycle;
  logger: Logger;
}

// A dependency that does not answer within this is as good as down for a request.
const CHECK_TIMEOUT_MS = 2_000;
// Probes arriving together share one check: /readyz is public, and each check costs a query.
const REUSE_MS = 1_000;

/**
 * Readiness: the store answers and has every migration this code knows, and Redis (when
 * configured) is connected and answers. Details of a failure go to the log, once per change
 * of state; the public answer says only which part is down.
 */
export function readinessProbe(deps: ReadinessDeps): () => Promise<Readiness> {
  let last: { at: number; result: Promise<Readiness> } | null = null;
  let previous = '';

  async function check(): Promise<Readiness> {
    const checks: Record<string, CheckState> = {};
    const problems: Record<string, string> = {};
    await Promise.all([
      within(deps.pendingMigrations(), CHECK_TIMEOUT_MS).then(
        (pending) => {
          checks.store = 'ok';
          checks.migrations = pending === 0 ? 'done' : `${pending} pending`;
        },
        (err: Error) => {
          checks.store = 'unreachable';
          problems.store = err.message;
        },
      ),
      deps.redis.length === 0
        ? null
        : (async () => {
            if (!deps.redis.every((c) => c.isReady)) throw new Error('not connected');
            await within(deps.redis[0].ping(), CHECK_TIMEOUT_MS);
          })().then(
            () => void (checks.redis = 'ok'),
            (err: Error) => {
              checks.redis = 'unreachable';
              problems.redis = err.message;
            },
          ),
    ]);
    const lifecycle = deps.lifecycle();
    if (lifecycle !== 'serving') checks.server = lifecycle;
    const ready = Object.values(checks).every((s) => s === 'ok' || s === 'done');
    const state = JSON.stringify(checks);
    if (state !== previous) {
      previous = state;
      if (ready) deps.logger.info({ checks }, 'ready');
      else deps.logger.warn({ checks, problems }, 'not ready');
    }
    return { ready, checks };
  }

  return () => {
    if (last && Date.now() - last.at < REUSE_MS) return last.result;
    last = { at: Date.now(), result: check() };
    return last.result;
  };
}
