import { resolve } from 'node:path';
import { startParley } from '../app.js';
import type { Config } from '../config.js';
import { isPostgresUrl } from '../store/create-store.js';
import { createConfiguredLogger } from '../logger.js';
import { maskSecret, maskUrlPassword } from './mask.js';

/** `parley start` (and `npm start`): runs Parley with working defaults and says where everything is. */
export async function start(config: Config): Promise<void> {
  const logger = createConfiguredLogger(config);
  // First start only: an admin account (created before /healthz says ready), its password shown this once.
  const parley = await startParley(config, { logger, firstAdmin: config.firstAdmin });

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
  // Before the banner: whoever starts us may signal as soon as it reads "running at".
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const admin = parley.firstAdmin;
  const store = isPostgresUrl(config.databaseUrl) ? maskUrlPassword(config.databaseUrl) : resolve(config.databaseUrl);
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
    parley.mailer.kind === 'smtp' ? `  Emails:      SMTP ${maskUrlPassword(config.email.smtpUrl!)}` : `  Emails:      written as .eml files to ${parley.mailer.dir} (set SMTP_URL to send them)`,
    '',
  ].filter((l) => l !== '');
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
