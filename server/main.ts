import { resolve } from 'node:path';
import { startParley } from './app.js';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';

/** A secret set by the operator is never printed whole: enough to recognise it, no more. */
const maskSecret = (secret: string) => `${secret.slice(0, 6)}…`;

/** `scheme://user:***@host/…`: the password of a connection URL masked, the rest kept. */
function maskUrlPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL the parser takes: mask everything between the scheme and the last '@'.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i, (_m, scheme: string, auth: string) => `${scheme}${auth.split(':')[0]}:***@`);
  }
}

/** `npm start`: runs Parley with working defaults and says where everything is. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    // A bad setting is the operator's to fix: say which and why, without a stack trace.
    process.stderr.write(`parley: invalid configuration: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  // First start only: an admin account (created before /healthz says ready), its password shown this once.
  const parley = await startParley(config, { logger, firstAdmin: config.firstAdmin });
  const admin = parley.firstAdmin;
  const store = /^postgres(ql)?:/.test(config.databaseUrl) ? maskUrlPassword(config.databaseUrl) : resolve(config.databaseUrl);
  const lines = [
    '',
    `  Parley is running at ${parley.url}`,
    `  Demo page:   ${parley.url}/`,
    `  Console:     ${parley.url}/console`,
    admin ? `               first admin created: ${admin.email} / ${admin.password}   (shown once; keep it safe)` : '',
    `  REST API:    ${parley.url}/v2   (Authorization: Bearer ${config.apiKeyGenerated ? config.apiKey : maskSecret(config.apiKey)})`,
    config.apiKeyGenerated ? '               ^ dev API key, generated and kept for this data directory; set PARLEY_API_KEY in production' : '',
    `  Store:       ${parley.store.kind} ${store}`,
    config.redisUrl ? `  Redis:       ${maskUrlPassword(config.redisUrl)}` : '',
    '',
  ].filter((l) => l !== '');
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    // The limit holds even if a step hangs where no one expected it.
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown overran PARLEY_SHUTDOWN_TIMEOUT_SECONDS; exiting now');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    parley.close().then(() => {
      logger.info('stopped');
      process.exit(0);
    }, (err) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
