import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startParley, type Parley } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';

export interface TestServer {
  url: string;
  apiKey: string;
  secret: string;
  /** PARLEY_JWT_SECRET of this server (JWT identity on). */
  jwtSecret: string;
  parley: Parley;
  close(): Promise<void>;
}

/**
 * A real Parley server on 127.0.0.1, ephemeral port, fresh SQLite file in a temp dir
 * (or the given DATABASE_URL). Close it in afterAll/afterEach.
 */
export async function startServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = loadConfig({}, {
    port: 0,
    host: '127.0.0.1',
    apiKey: `pk_test_${randomBytes(12).toString('hex')}`,
    secret: randomBytes(32).toString('hex'),
    jwtSecret: randomBytes(32).toString('hex'),
    databaseUrl: join(dir, 'parley.db'),
    logLevel: 'silent',
    // Rate limits are off unless a test turns them on: most tests send as fast as they can.
    rateLimits: NO_RATE_LIMITS,
    ...overrides,
  });
  const parley = await startParley(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  return {
    url: parley.url,
    apiKey: config.apiKey,
    secret: config.secret,
    jwtSecret: config.jwtSecret ?? '',
    parley,
    async close() {
      await parley.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
