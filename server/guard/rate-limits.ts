import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';

/** `points` actions per `seconds`; null turns the rule off. */
export interface Rule {
  points: number;
  seconds: number;
}

export interface RateLimitRules {
  /** message:send per socket connection. */
  sendPerConnection: Rule | null;
  /** message:send per contact, across its tabs and processes. */
  sendPerContact: Rule | null;
  /** message:send per client IP. */
  sendPerIp: Rule | null;
  /** New leads (messenger connections without a token) per client IP. */
  leadsPerIp: Rule | null;
  /** REST calls per client IP. */
  restPerIp: Rule | null;
  /** Failed console sign-ins per client IP. */
  signInFailuresPerIp: Rule | null;
  /** Failed console sign-ins per account (email), whatever the IP. */
  signInFailuresPerAccount: Rule | null;
  /** history:fetch per socket connection. */
  historyPerConnection: Rule | null;
  /** typing events per socket connection (over the limit they are dropped). */
  typingPerConnection: Rule | null;
  /** page:context reports per messenger connection (over the limit they are dropped). */
  contextPerConnection: Rule | null;
  /** Console writes per agent: own name, colour and picture uploads, saved replies. */
  consoleWritesPerAgent: Rule | null;
  /** `read` receipts per socket connection (over the limit they are dropped). */
  readPerConnection: Rule | null;
  /** Email follow-up: unsubscribe link hits and address submissions per client IP. */
  emailPerIp: Rule | null;
}

export type LimitName = keyof RateLimitRules;

export const DEFAULT_RATE_LIMITS: RateLimitRules = {
  sendPerConnection: { points: 20, seconds: 10 },
  sendPerContact: { points: 30, seconds: 10 },
  sendPerIp: { points: 120, seconds: 10 },
  leadsPerIp: { points: 30, seconds: 60 },
  restPerIp: { points: 1200, seconds: 60 },
  signInFailuresPerIp: { points: 10, seconds: 600 },
  signInFailuresPerAccount: { points: 10, seconds: 900 },
  historyPerConnection: { points: 30, seconds: 60 },
  typingPerConnection: { points: 30, seconds: 10 },
  contextPerConnection: { points: 20, seconds: 60 },
  consoleWritesPerAgent: { points: 30, seconds: 600 },
  readPerConnection: { points: 30, seconds: 60 },
  emailPerIp: { points: 20, seconds: 60 },
};

export const NO_RATE_LIMITS: RateLimitRules = {
  sendPerConnection: null, sendPerContact: null, sendPerIp: null, leadsPerIp: null, restPerIp: null, signInFailuresPerIp: null,
  signInFailuresPerAccount: null, historyPerConnection: null, typingPerConnection: null, contextPerConnection: null, consoleWritesPerAgent: null, readPerConnection: null, emailPerIp: null,
};

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Rules counted in each process's memory even with Redis: a socket's counters live where the
 * socket does, and the email follow-up's per-address limit needs no cluster-wide precision.
 * (Each further Redis limiter also made a Redis outage crash the process in
 * test/ops/readiness.test.ts: an unhandled SocketClosedUnexpectedlyError; not yet understood.)
 */
const IN_PROCESS: ReadonlySet<LimitName> = new Set(['readPerConnection', 'emailPerIp']);

/**
 * Counters for every rule, in memory for one process or in Redis when several processes
 * share the load (so a flood spread over processes is still one flood).
 */
export class RateLimiter {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();

  constructor(rules: RateLimitRules, redis?: RedisClientType | null) {
    for (const [name, rule] of Object.entries(rules) as [LimitName, Rule | null][]) {
      if (!rule) continue;
      const options = { keyPrefix: `parley:rl:${name}`, points: rule.points, duration: rule.seconds };
      this.limiters.set(name, redis && !IN_PROCESS.has(name) ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true, insuranceLimiter: new RateLimiterMemory(options) }) : new RateLimiterMemory(options));
    }
  }

  /** Refused when the rule's points for `key` are spent, without spending one (check before trying). */
  async peek(name: LimitName, key: string): Promise<Verdict> {
    const limiter = this.limiters.get(name);
    const res = limiter ? await limiter.get(key) : null;
    if (!limiter || !res || res.remainingPoints > 0) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1, res.msBeforeNext) };
  }

  /**
   * Spends one point of each named rule for its key, in order; the first exhausted rule
   * refuses, and later rules are not charged for the refused action.
   */
  async consume(checks: [LimitName, string][]): Promise<Verdict> {
    for (const [name, key] of checks) {
      const limiter = this.limiters.get(name);
      if (!limiter) continue;
      try {
        await limiter.consume(key);
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        return { ok: false, retryAfterMs: Math.max(1, res.msBeforeNext) };
      }
    }
    return { ok: true };
  }

  /**
   * Gives back the point `consume` spent on each named rule for its key: the attempt turned
   * out fine (a correct password), so it must not count as a failure.
   */
  async refund(checks: [LimitName, string][]): Promise<void> {
    // A refund that fails (Redis away) only leaves one point spent: never fail the caller for it.
    await Promise.allSettled(checks.map(async ([name, key]) => this.limiters.get(name)?.reward(key, 1)));
  }
}
