import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createClient } from 'redis';
import type { Config } from '../config.js';
import { TRUST_NONE } from '../guard/client-ip.js';
import { within } from '../ops/time-limit.js';
import { isPostgresUrl } from '../store/create-store.js';
import { maskUrlPassword } from './mask.js';

type Level = 'ok' | 'warn' | 'FAIL';
interface Finding {
  level: Level;
  what: string;
  say: string;
}

const TIMEOUT_MS = 3_000;
const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** The store answers and has every migration; read only: nothing is created or migrated. */
async function checkStore(config: Config): Promise<Finding> {
  const url = config.databaseUrl;
  if (!isPostgresUrl(url) && url !== ':memory:' && !existsSync(url)) {
    return { level: 'ok', what: 'store', say: `no database yet at ${resolve(url)}; the first start creates it` };
  }
  const { openPostgresStore } = await import('../store/postgres/open.js');
  const { openSqliteStore } = await import('../store/sqlite/open.js');
  const store = isPostgresUrl(url) ? openPostgresStore({ connectionString: url, schema: config.databaseSchema, poolSize: 1 }) : openSqliteStore(url);
  const where = isPostgresUrl(url) ? `PostgreSQL ${maskUrlPassword(url)}` : `SQLite ${resolve(url)}`;
  try {
    const pending = await within(store.pendingMigrations(), TIMEOUT_MS);
    return pending === 0
      ? { level: 'ok', what: 'store', say: `${where} answers; every migration applied` }
      : { level: 'warn', what: 'store', say: `${where} answers, with ${pending} migration(s) to apply: run parley migrate, or start the server (it migrates)` };
  } catch (err) {
    const message = (err as Error).message;
    if (/kysely_migration/.test(message)) return { level: 'warn', what: 'store', say: `${where} answers but was never migrated: run parley migrate` };
    return { level: 'FAIL', what: 'store', say: `${where} does not answer: ${message}` };
  } finally {
    await store.close().catch(() => {});
  }
}

/** The SQLite file and its directory are the server user's alone, and writable. */
function checkFiles(config: Config): Finding[] {
  const url = config.databaseUrl;
  if (isPostgresUrl(url) || url === ':memory:') return [];
  const file = resolve(url);
  const dir = dirname(file);
  const found: Finding[] = [];
  if (!existsSync(dir)) return [{ level: 'ok', what: 'files', say: `${dir} does not exist yet; the first start creates it (mode 700)` }];
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    found.push({ level: 'FAIL', what: 'files', say: `${dir} is not writable by this user: SQLite needs to write its journal there` });
  }
  for (const path of [dir, file, `${file}-wal`, join(dir, 'parley-dev-secrets.json')]) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (process.getuid && stat.uid !== process.getuid()) found.push({ level: 'warn', what: 'files', say: `${path} belongs to another user (uid ${stat.uid}); run Parley as its owner` });
    const loose = stat.mode & 0o077;
    if (loose && path !== dir) found.push({ level: 'FAIL', what: 'files', say: `${path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}): chmod 600 ${path}` });
    else if (loose && path === dir && dir.endsWith('data')) found.push({ level: 'warn', what: 'files', say: `${dir} is open to others (mode ${(stat.mode & 0o777).toString(8)}): chmod 700 ${dir}` });
  }
  if (!found.length) found.push({ level: 'ok', what: 'files', say: `${file} and its directory are this user's alone` });
  return found;
}

async function checkRedis(config: Config): Promise<Finding[]> {
  if (!config.redisUrl) return [{ level: 'ok', what: 'redis', say: 'not configured (one process; set REDIS_URL to run several)' }];
  const client = createClient({ url: config.redisUrl, socket: { connectTimeout: TIMEOUT_MS, reconnectStrategy: false } });
  client.on('error', () => {});
  const where = maskUrlPassword(config.redisUrl);
  try {
    await within(client.connect().then(() => client.ping()), TIMEOUT_MS);
    return [{ level: 'ok', what: 'redis', say: `${where} answers` }];
  } catch (err) {
    return [{ level: 'FAIL', what: 'redis', say: `${where} does not answer: ${(err as Error).message}` }];
  } finally {
    await client.quit().catch(() => client.destroy());
  }
}

/** Settings that work but are unsafe or unusual in production. */
function checkSettings(config: Config): Finding[] {
  const found: Finding[] = [];
  const warn = (say: string) => found.push({ level: 'warn', what: 'settings', say });
  if (config.previousApiKey && config.previousApiKey.until <= Date.now()) warn('PARLEY_API_KEY_PREVIOUS has expired: remove it and PARLEY_API_KEY_PREVIOUS_UNTIL');
  if (config.apiKeyGenerated) warn('PARLEY_API_KEY is not set: a generated dev key is in use; set your own in production');
  if (!LOOPBACK.test(config.host) && config.trustProxy === TRUST_NONE) {
    warn(`HOST=${config.host} listens beyond this machine with no PARLEY_TRUST_PROXY: fine without a proxy; behind one, client addresses (rate limits, blocks by IP) are the proxy's`);
  }
  if (!config.allowedOrigins.length) warn('PARLEY_ALLOWED_ORIGINS is empty: any web site may open the messenger');
  if (!config.requireIdentityVerification) warn('PARLEY_REQUIRE_IDENTITY_VERIFICATION=false: a page can claim any userId');
  if (config.webhooksAllowPrivate) warn('PARLEY_WEBHOOKS_ALLOW_PRIVATE=true: webhooks may reach internal addresses (development only)');
  if (config.logFormat === 'pretty') warn('LOG_FORMAT=pretty is for development: log collectors expect json lines (and production installs lack pino-pretty)');
  if (!existsSync(join(config.publicDir, 'widget.js'))) found.push({ level: 'FAIL', what: 'files', say: `no widget build in ${config.publicDir}: run npm run build` });
  if (!found.length) found.push({ level: 'ok', what: 'settings', say: 'nothing unusual' });
  return found;
}

/** `parley doctor`: checks settings, the store, Redis and file permissions; says what is wrong in plain words. */
export async function doctor(config: Config, out: (line: string) => void): Promise<number> {
  const findings = [...checkSettings(config), await checkStore(config), ...checkFiles(config), ...(await checkRedis(config))];
  for (const f of findings) out(`${f.level.padEnd(4)}  ${f.what.padEnd(8)}  ${f.say}`);
  const failed = findings.filter((f) => f.level === 'FAIL').length;
  out(failed ? `${failed} problem(s) to fix before Parley can run well.` : 'Parley can run with these settings.');
  return failed ? 1 : 0;
}
