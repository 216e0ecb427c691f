import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rateLimitsFromEnv, type RateLimitRules } from './guard/rate-limits.js';
import { blockPolicyFromEnv, type BlockPolicy } from './core/contacts.js';
import { parseBlockRoles } from './core/agents.js';
import type { AgentRole } from '../protocol/agents.js';
import { dispatcherOptionsFromEnv, type DispatcherOptions } from './webhooks/dispatcher.js';
import { parseTrustProxy, type TrustProxy } from './guard/client-ip.js';
import { deriveKeys, type InternalKeys } from './auth/keys.js';

export const API_VERSIONS = ['2026-01-01.nova', '2025-12-12.clover'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface Config {
  port: number;
  host: string;
  apiKey: string;
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
  rateLimits: RateLimitRules;
  /** Which X-Forwarded-For hops are proxies we run (PARLEY_TRUST_PROXY: hop count or addresses). */
  trustProxy: TrustProxy;
  /** Directory served at `/` (widget, demo page, console). */
  publicDir: string;
  /** Default block scope and IP block length (PARLEY_BLOCK_SCOPE, PARLEY_IP_BLOCK_MINUTES). */
  blockPolicy: BlockPolicy;
  /** Agent roles allowed to block and unblock (PARLEY_BLOCK_ROLES, default admin). */
  blockRoles: AgentRole[];
  /** Webhook retries and polling (PARLEY_WEBHOOK_MAX_ATTEMPTS, _RETRY_BASE_MS, _POLL_MS). */
  webhookDelivery: DispatcherOptions;
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
    rateLimits: rateLimitsFromEnv(env),
    trustProxy: parseTrustProxy(env.PARLEY_TRUST_PROXY),
    publicDir: resolve(env.PARLEY_PUBLIC_DIR ?? new URL('../dist/public', import.meta.url).pathname),
    blockPolicy: blockPolicyFromEnv(env),
    blockRoles: parseBlockRoles(env.PARLEY_BLOCK_ROLES),
    webhookDelivery: dispatcherOptionsFromEnv(env),
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
