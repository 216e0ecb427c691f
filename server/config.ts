import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import proxyaddr from 'proxy-addr';
import { DEFAULT_RATE_LIMITS, type LimitName, type RateLimitRules, type Rule } from './guard/rate-limits.js';
import { DEFAULT_BLOCK_POLICY, type BlockPolicy } from './core/contacts.js';
import { AGENT_ROLES, type AgentRole } from '../protocol/agents.js';
import { DEFAULT_DISPATCHER_OPTIONS, type DispatcherOptions } from './webhooks/dispatcher.js';
import { parseTrustProxy, type TrustProxy } from './guard/client-ip.js';
import { deriveKeys, type InternalKeys } from './auth/keys.js';
import { LOG_FORMATS, type LogFormat } from './logger.js';
import { maskUrlPassword } from './cli/mask.js';
import { DEFAULT_FOLLOWUP_POLICY, type FollowupPolicy } from './core/followups.js';

export const API_VERSIONS = ['2026-01-01.nova', '2025-12-12.clover'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface Config {
  port: number;
  host: string;
  apiKey: string;
  /** The key before the last rotation, still accepted until `until` (ms) (PARLEY_API_KEY_PREVIOUS / _PREVIOUS_UNTIL). */
  previousApiKey: { key: string; until: number } | null;
  /** True when no PARLEY_API_KEY was set and a dev key was generated (and kept) instead. */
  apiKeyGenerated: boolean;
  /** PARLEY_SECRET: verifies customers' userHash and is the input of `keys`, nothing else. */
  secret: string;
  /** Per-purpose keys derived from `secret` (HKDF): console sessions, visitor tokens. */
  keys: InternalKeys;
  /** PARLEY_JWT_SECRET: verifies identity JWTs; null turns JWT identity off. */
  jwtSecret: string | null;
  /** Oldest identity JWT accepted, by `iat` (and longest `exp` ahead), in seconds (PARLEY_JWT_MAX_AGE_SECONDS). */
  jwtMaxAgeSeconds: number;
  /** A visitor token lives this long after the lead's last connection (sliding; PARLEY_VISITOR_TOKEN_DAYS). */
  visitorTokenTtlSeconds: number;
  /** Most open messenger sockets per contact and per client IP (PARLEY_MAX_SOCKETS_PER_CONTACT / _PER_IP). */
  maxSocketsPerContact: number;
  maxSocketsPerIp: number;
  /** Let webhooks target loopback, private and link-local addresses (PARLEY_WEBHOOKS_ALLOW_PRIVATE; development only). */
  webhooksAllowPrivate: boolean;
  /** `postgres://…` or a SQLite file path. */
  databaseUrl: string;
  /** PostgreSQL schema for Parley's tables (default public); lets tests and tenants share a database. */
  databaseSchema: string | undefined;
  redisUrl: string | null;
  /** Origins allowed to open a messenger connection; empty means any origin. */
  allowedOrigins: string[];
  defaultVersion: ApiVersion;
  /** Refuse a userId claimed without a valid userHash or JWT (default on; PARLEY_REQUIRE_IDENTITY_VERIFICATION=false turns it off). */
  requireIdentityVerification: boolean;
  logLevel: string;
  /** `json` lines (default) or `pretty` ones for development (LOG_FORMAT; pretty needs pino-pretty, a dev dependency). */
  logFormat: LogFormat;
  rateLimits: RateLimitRules;
  /** Which X-Forwarded-For hops are proxies we run (PARLEY_TRUST_PROXY: hop count or addresses). */
  trustProxy: TrustProxy;
  /** Directory served at `/` (widget, demo page, console). */
  publicDir: string;
  /** Default block scope and IP block length (PARLEY_BLOCK_SCOPE, PARLEY_IP_BLOCK_MINUTES). */
  blockPolicy: BlockPolicy;
  /** Agent roles allowed to block and unblock (PARLEY_BLOCK_ROLES, default admin). */
  blockRoles: AgentRole[];
  /** The first console admin, created on a store without agents (PARLEY_ADMIN_EMAIL / PARLEY_ADMIN_PASSWORD; generated when unset). */
  firstAdmin: { email?: string; password?: string };
  /** Client addresses (a scrape network) that may read /metrics without the REST key (PARLEY_METRICS_ALLOW); null: loopback and the key only. */
  metricsAllow: ((address: string) => boolean) | null;
  /** How long a shutdown (SIGTERM) may take before the process exits anyway (PARLEY_SHUTDOWN_TIMEOUT_SECONDS, default 10). */
  shutdownTimeoutMs: number;
  /** Webhook retries, polling and suspension (PARLEY_WEBHOOK_MAX_ATTEMPTS, _RETRY_BASE_MS, _POLL_MS, _SUSPEND_AFTER). */
  webhookDelivery: DispatcherOptions;
  email: EmailSettings;
}

/** Email follow-up of agent replies (SMTP_URL, PARLEY_EMAIL_*, PARLEY_PUBLIC_URL). */
export interface EmailSettings {
  /** `smtp://` or `smtps://` URL for nodemailer; null writes `.eml` files to `dir` instead. */
  smtpUrl: string | null;
  /** The From header. */
  from: string;
  /** Where `.eml` files go without SMTP (default: `emails/` beside the SQLite file, or `./data/emails`). */
  dir: string;
  /** Public base URL of this server for unsubscribe links; null: the address it listens on. */
  publicUrl: string | null;
  /** How long an unsubscribe link works, in seconds. */
  unsubscribeTtlSeconds: number;
  /** The widget asks for an address when no agent answered within this many seconds. */
  promptAfterSeconds: number;
  /** How often each process looks for due follow-ups. */
  pollMs: number;
  /** Batching and pacing (see FollowupPolicy). */
  policy: FollowupPolicy;
}

const DEFAULT_DB = './data/parley.db';

/**
 * Configuration from the environment with working defaults. Without PARLEY_API_KEY or
 * PARLEY_SECRET, values are generated once and kept next to the SQLite file so a restart
 * keeps visitors' tokens and the dev key valid.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = overrides.databaseUrl ?? env.DATABASE_URL ?? DEFAULT_DB;
  const needsDev = !(overrides.apiKey || env.PARLEY_API_KEY) || !(overrides.secret || env.PARLEY_SECRET);
  const dev = needsDev ? devSecrets(databaseUrl) : null;
  const version = env.FEATUREBASE_VERSION ?? '2026-01-01.nova';
  if (!(API_VERSIONS as readonly string[]).includes(version)) {
    throw new Error(`FEATUREBASE_VERSION must be one of ${API_VERSIONS.join(', ')}; got ${version}`);
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number; got ${env.PORT}`);
  const secret = overrides.secret || env.PARLEY_SECRET || dev!.secret;
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    apiKey: overrides.apiKey || env.PARLEY_API_KEY || dev!.apiKey,
    apiKeyGenerated: !(overrides.apiKey || env.PARLEY_API_KEY),
    previousApiKey: previousApiKeyFromEnv(env),
    secret,
    keys: deriveKeys(secret),
    jwtSecret: env.PARLEY_JWT_SECRET || null,
    jwtMaxAgeSeconds: positive(env, 'PARLEY_JWT_MAX_AGE_SECONDS', 24 * 3600),
    visitorTokenTtlSeconds: positive(env, 'PARLEY_VISITOR_TOKEN_DAYS', 30) * 86_400,
    maxSocketsPerContact: positive(env, 'PARLEY_MAX_SOCKETS_PER_CONTACT', 20),
    maxSocketsPerIp: positive(env, 'PARLEY_MAX_SOCKETS_PER_IP', 200),
    webhooksAllowPrivate: env.PARLEY_WEBHOOKS_ALLOW_PRIVATE === 'true',
    databaseUrl,
    databaseSchema: env.PARLEY_DB_SCHEMA || undefined,
    redisUrl: env.REDIS_URL || null,
    allowedOrigins: (env.PARLEY_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    defaultVersion: version as ApiVersion,
    requireIdentityVerification: env.PARLEY_REQUIRE_IDENTITY_VERIFICATION !== 'false',
    logLevel: env.LOG_LEVEL ?? 'info',
    logFormat: parseLogFormat(env.LOG_FORMAT),
    rateLimits: rateLimitsFromEnv(env),
    trustProxy: parseTrustProxy(env.PARLEY_TRUST_PROXY),
    publicDir: resolve(env.PARLEY_PUBLIC_DIR ?? new URL('../dist/public', import.meta.url).pathname),
    blockPolicy: blockPolicyFromEnv(env),
    blockRoles: parseBlockRoles(env.PARLEY_BLOCK_ROLES),
    webhookDelivery: dispatcherOptionsFromEnv(env),
    email: emailSettingsFromEnv(env, databaseUrl),
    metricsAllow: parseMetricsAllow(env.PARLEY_METRICS_ALLOW),
    shutdownTimeoutMs: positive(env, 'PARLEY_SHUTDOWN_TIMEOUT_SECONDS', 10) * 1000,
    firstAdmin: { email: env.PARLEY_ADMIN_EMAIL || undefined, password: env.PARLEY_ADMIN_PASSWORD || undefined },
    ...overrides,
    // Keys always follow the secret actually in use, overridden or not.
    ...(overrides.secret && !overrides.keys ? { keys: deriveKeys(overrides.secret) } : {}),
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number; got ${raw}`);
  return n;
}

function parseLogFormat(raw: string | undefined): LogFormat {
  if (raw === undefined || raw === '') return 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) throw new Error(`LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}; got ${raw}`);
  return raw as LogFormat;
}

function devSecrets(databaseUrl: string): { apiKey: string; secret: string } {
  const fresh = () => ({ apiKey: `pk_dev_${randomBytes(18).toString('base64url')}`, secret: randomBytes(32).toString('base64url') });
  if (/^postgres(ql)?:\/\//.test(databaseUrl) || databaseUrl === ':memory:') return fresh();
  const file = resolve(dirname(databaseUrl), 'parley-dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const made = fresh();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // owner-only, as the database beside it (create-store.ts)
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

// Settings parsed from text. Environment variables are read in this file only; each bad
// value stops the start with a message naming the variable.

/** Parses "30/10" (30 per 10 s); "off" or "0" turns a rule off. */
export function parseRule(text: string): Rule | null {
  if (text === 'off' || text === '0') return null;
  const m = /^(\d+)\/(\d+)s?$/.exec(text.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`A rate limit is "points/seconds" like 30/10, or off; got "${text}"`);
  return { points: Number(m[1]), seconds: Number(m[2]) };
}

const ENV_NAMES: Record<LimitName, string> = {
  sendPerConnection: 'PARLEY_RATE_SEND_PER_CONNECTION',
  sendPerContact: 'PARLEY_RATE_SEND_PER_CONTACT',
  sendPerIp: 'PARLEY_RATE_SEND_PER_IP',
  leadsPerIp: 'PARLEY_RATE_LEADS_PER_IP',
  restPerIp: 'PARLEY_RATE_REST_PER_IP',
  signInFailuresPerIp: 'PARLEY_RATE_SIGN_IN_FAILURES_PER_IP',
  signInFailuresPerAccount: 'PARLEY_RATE_SIGN_IN_FAILURES_PER_ACCOUNT',
  historyPerConnection: 'PARLEY_RATE_HISTORY_PER_CONNECTION',
  typingPerConnection: 'PARLEY_RATE_TYPING_PER_CONNECTION',
  contextPerConnection: 'PARLEY_RATE_CONTEXT_PER_CONNECTION',
  consoleWritesPerAgent: 'PARLEY_RATE_CONSOLE_WRITES_PER_AGENT',
  readPerConnection: 'PARLEY_RATE_READ_PER_CONNECTION',
  emailPerIp: 'PARLEY_RATE_EMAIL_PER_IP',
};

export function rateLimitsFromEnv(env: NodeJS.ProcessEnv): RateLimitRules {
  const rules = { ...DEFAULT_RATE_LIMITS };
  for (const [name, variable] of Object.entries(ENV_NAMES) as [LimitName, string][]) {
    if (env[variable] !== undefined) rules[name] = parseRule(env[variable]!);
  }
  return rules;
}

/** `PARLEY_BLOCK_SCOPE` / `PARLEY_IP_BLOCK_MINUTES` / `PARLEY_BLOCK_EXPIRY_POLL_MS` → policy; bad values throw at start. */
export function blockPolicyFromEnv(env: NodeJS.ProcessEnv): BlockPolicy {
  const scope = env.PARLEY_BLOCK_SCOPE || DEFAULT_BLOCK_POLICY.scope;
  if (scope !== 'contact' && scope !== 'device_and_ip') throw new Error(`PARLEY_BLOCK_SCOPE must be contact or device_and_ip; got ${scope}`);
  const minutes = Number(env.PARLEY_IP_BLOCK_MINUTES || DEFAULT_BLOCK_POLICY.ipBlockMinutes);
  if (!Number.isFinite(minutes) || minutes < 1) throw new Error(`PARLEY_IP_BLOCK_MINUTES must be a positive number; got ${env.PARLEY_IP_BLOCK_MINUTES}`);
  const poll = Number(env.PARLEY_BLOCK_EXPIRY_POLL_MS || DEFAULT_BLOCK_POLICY.expiryPollMs);
  if (!Number.isFinite(poll) || poll < 10) throw new Error(`PARLEY_BLOCK_EXPIRY_POLL_MS must be a number ≥ 10; got ${env.PARLEY_BLOCK_EXPIRY_POLL_MS}`);
  return { scope, ipBlockMinutes: minutes, expiryPollMs: poll };
}

/** `PARLEY_BLOCK_ROLES="admin,agent"` → roles; unset or empty → admin only. Unknown roles throw. */
export function parseBlockRoles(value: string | undefined): AgentRole[] {
  const roles = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const r of roles) {
    if (!(AGENT_ROLES as readonly string[]).includes(r)) throw new Error(`PARLEY_BLOCK_ROLES: unknown role "${r}"; use ${AGENT_ROLES.join(', ')}`);
  }
  return roles.length ? (roles as AgentRole[]) : ['admin'];
}

/** `PARLEY_API_KEY_PREVIOUS` with its `PARLEY_API_KEY_PREVIOUS_UNTIL` (an ISO date), both or neither. */
export function previousApiKeyFromEnv(env: NodeJS.ProcessEnv): { key: string; until: number } | null {
  const key = env.PARLEY_API_KEY_PREVIOUS || '';
  const untilText = env.PARLEY_API_KEY_PREVIOUS_UNTIL || '';
  if (!key && !untilText) return null;
  const until = Date.parse(untilText);
  if (!key || Number.isNaN(until)) {
    throw new Error('PARLEY_API_KEY_PREVIOUS needs PARLEY_API_KEY_PREVIOUS_UNTIL (an ISO date such as 2026-01-31T12:00:00Z), and the other way round');
  }
  return { key, until };
}

/** `PARLEY_METRICS_ALLOW="10.0.0.0/8,192.168.1.7"` → a matcher for client addresses; unset → null. */
export function parseMetricsAllow(value: string | undefined): ((address: string) => boolean) | null {
  const list = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) return null;
  try {
    const matches = proxyaddr.compile(list);
    return (address) => matches(address, 0);
  } catch (err) {
    throw new Error(`PARLEY_METRICS_ALLOW: ${(err as Error).message}; use addresses or CIDRs such as 10.0.0.0/8`);
  }
}

/** `SMTP_URL`, `PARLEY_EMAIL_*`, `PARLEY_PUBLIC_URL` → email settings; bad values throw at start. */
export function emailSettingsFromEnv(env: NodeJS.ProcessEnv, databaseUrl: string): EmailSettings {
  const url = (name: string, protocols: string[]) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return null;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`${name} must be a URL (${protocols.join(' or ')}); got ${maskUrlPassword(raw)}`);
    }
    if (!protocols.includes(parsed.protocol.slice(0, -1))) throw new Error(`${name} must start with ${protocols.map((p) => p + '://').join(' or ')}; got ${parsed.protocol}//…`);
    return raw;
  };
  const sqliteDir = /^postgres(ql)?:\/\//.test(databaseUrl) || databaseUrl === ':memory:' ? './data' : dirname(databaseUrl);
  const seconds = (name: string, fallback: number) => positive(env, name, fallback);
  return {
    smtpUrl: url('SMTP_URL', ['smtp', 'smtps']),
    from: env.PARLEY_EMAIL_FROM || 'Parley <no-reply@localhost>',
    dir: resolve(env.PARLEY_EMAIL_DIR || join(sqliteDir, 'emails')),
    publicUrl: url('PARLEY_PUBLIC_URL', ['http', 'https'])?.replace(/\/+$/, '') ?? null,
    unsubscribeTtlSeconds: seconds('PARLEY_EMAIL_UNSUBSCRIBE_DAYS', 90) * 86_400,
    promptAfterSeconds: seconds('PARLEY_EMAIL_PROMPT_AFTER_SECONDS', 120),
    pollMs: seconds('PARLEY_EMAIL_POLL_MS', 2000),
    policy: {
      batchDelayMs: seconds('PARLEY_EMAIL_DELAY_SECONDS', DEFAULT_FOLLOWUP_POLICY.batchDelayMs / 1000) * 1000,
      minIntervalMs: seconds('PARLEY_EMAIL_INTERVAL_SECONDS', DEFAULT_FOLLOWUP_POLICY.minIntervalMs / 1000) * 1000,
      leaseMs: DEFAULT_FOLLOWUP_POLICY.leaseMs,
      repliesPerEmail: DEFAULT_FOLLOWUP_POLICY.repliesPerEmail,
    },
  };
}

/** `PARLEY_WEBHOOK_*` → options; bad values throw at start. */
export function dispatcherOptionsFromEnv(env: NodeJS.ProcessEnv): DispatcherOptions {
  const num = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}; got ${raw}`);
    return n;
  };
  return {
    maxAttempts: num('PARLEY_WEBHOOK_MAX_ATTEMPTS', DEFAULT_DISPATCHER_OPTIONS.maxAttempts, 1),
    retryBaseMs: num('PARLEY_WEBHOOK_RETRY_BASE_MS', DEFAULT_DISPATCHER_OPTIONS.retryBaseMs, 1),
    pollMs: num('PARLEY_WEBHOOK_POLL_MS', DEFAULT_DISPATCHER_OPTIONS.pollMs, 10),
    suspendAfterFailures: num('PARLEY_WEBHOOK_SUSPEND_AFTER', DEFAULT_DISPATCHER_OPTIONS.suspendAfterFailures!, 1),
    // Tests only: the outbox crash test kills the process between commit and dispatch.
    crashBeforeDispatch: env.PARLEY_TEST_CRASH_AFTER_COMMIT === 'outbox',
  };
}
