import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rateLimitsFromEnv, type RateLimitRules } from './guard/rate-limits.js';
import { blockPolicyFromEnv, type BlockPolicy } from './core/contacts.js';
import { parseBlockRoles } from './core/agents.js';
import type { AgentRole } from '../protocol/agents.js';
import { dispatcherOptionsFromEnv, type DispatcherOptions } from './webhooks/dispatcher.js';

export const API_VERSIONS = ['2026-01-01.nova', '2025-12-12.clover'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface Config {
  port: number;
  host: string;
  apiKey: string;
  /** True when no PARLEY_API_KEY was set and a dev key was generated (and kept) instead. */
  apiKeyGenerated: boolean;
  secret: string;
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
  /** Take the client IP from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
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
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    apiKey: overrides.apiKey || env.PARLEY_API_KEY || dev!.apiKey,
    apiKeyGenerated: !(overrides.apiKey || env.PARLEY_API_KEY),
    secret: overrides.secret || env.PARLEY_SECRET || dev!.secret,
    databaseUrl,
    databaseSchema: env.PARLEY_DB_SCHEMA || undefined,
    redisUrl: env.REDIS_URL || null,
    allowedOrigins: (env.PARLEY_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    defaultVersion: version as ApiVersion,
    requireIdentityVerification: env.PARLEY_REQUIRE_IDENTITY_VERIFICATION !== 'false',
    logLevel: env.LOG_LEVEL ?? 'info',
    rateLimits: rateLimitsFromEnv(env),
    trustProxy: env.PARLEY_TRUST_PROXY === 'true',
    publicDir: resolve(env.PARLEY_PUBLIC_DIR ?? new URL('../dist/public', import.meta.url).pathname),
    blockPolicy: blockPolicyFromEnv(env),
    blockRoles: parseBlockRoles(env.PARLEY_BLOCK_ROLES),
    webhookDelivery: dispatcherOptionsFromEnv(env),
    ...overrides,
  };
}

function devSecrets(databaseUrl: string): { apiKey: string; secret: string } {
  const fresh = () => ({ apiKey: `pk_dev_${randomBytes(18).toString('base64url')}`, secret: randomBytes(32).toString('base64url') });
  if (/^postgres(ql)?:\/\//.test(databaseUrl) || databaseUrl === ':memory:') return fresh();
  const file = resolve(dirname(databaseUrl), 'parley-dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const made = fresh();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}
