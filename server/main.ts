import { resolve } from 'node:path';
import { startParley } from './app.js';
import { loadConfig } from './config.js';
import { ensureFirstAdmin } from './core/agents.js';
import { createLogger } from './logger.js';

/** `npm start`: runs Parley with working defaults and says where everything is. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const parley = await startParley(config, { logger });
  // First start only: an admin account, its password shown this once.
  const admin = await ensureFirstAdmin(parley.core.agents, parley.store, { email: process.env.PARLEY_ADMIN_EMAIL, password: process.env.PARLEY_ADMIN_PASSWORD });
  const store = /^postgres(ql)?:/.test(config.databaseUrl) ? config.databaseUrl.replace(/\/\/[^@]*@/, '//***@') : resolve(config.databaseUrl);
  const lines = [
    '',
    `  Parley is running at ${parley.url}`,
    `  Demo page:   ${parley.url}/`,
    `  Console:     ${parley.url}/console`,
    admin ? `               first admin created: ${admin.email} / ${admin.password}   (shown once; keep it safe)` : '',
    `  REST API:    ${parley.url}/v2   (Authorization: Bearer ${config.apiKey})`,
    config.apiKeyGenerated ? '               ^ dev API key, generated and kept for this data directory; set PARLEY_API_KEY in production' : '',
    `  Store:       ${parley.store.kind} ${store}`,
    config.redisUrl ? `  Redis:       ${config.redisUrl}` : '',
    '',
  ].filter((l) => l !== '');
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    parley.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
