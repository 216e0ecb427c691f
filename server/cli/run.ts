import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config.js';
import { createStore, isPostgresUrl } from '../store/create-store.js';
import { agents, AGENTS_USAGE } from './agents.js';
import { backup } from './backup.js';
import { doctor } from './doctor.js';
import { key, KEY_USAGE } from './key.js';
import { maskUrlPassword } from './mask.js';
import { start } from './start.js';

const USAGE = [
  'usage: parley <command>   (settings come from the environment, as for the server)',
  '  start                     run the server (the default)',
  '  migrate                   bring the store\'s schema up to date, then exit',
  '  backup <file>             SQLite: online copy of the database; PostgreSQL: prints the pg_dump command',
  ...AGENTS_USAGE.map((l) => `  ${l.replace(/^parley /, '')}`),
  `  ${KEY_USAGE.replace(/^parley /, '')}   a new REST key; the current one stays valid meanwhile`,
  '  doctor                    check settings, the store, Redis and file permissions',
];

const out = (line: string) => process.stdout.write(`${line}\n`);

/** The `parley` command line (package bin, `npm run parley -- …`); resolves with the exit code, or never for `start`. */
export async function runCli(argv: string[]): Promise<number | null> {
  const [command = 'start', ...args] = argv;
  if (['help', '--help', '-h'].includes(command)) {
    USAGE.forEach(out);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    // A bad setting is the operator's to fix: say which and why, without a stack trace.
    process.stderr.write(`parley: invalid configuration: ${(err as Error).message}\n`);
    return 1;
  }
  switch (command) {
    case 'start':
      await start(config);
      return null;
    case 'migrate': {
      const store = await createStore(config.databaseUrl, { schema: config.databaseSchema });
      await store.close();
      out(`Store up to date: ${store.kind} ${isPostgresUrl(config.databaseUrl) ? maskUrlPassword(config.databaseUrl) : resolve(config.databaseUrl)}`);
      return 0;
    }
    case 'backup':
      return backup(config, args[0], out);
    case 'agents':
      return agents(config, args, out);
    case 'key':
      return key(config, args, out);
    case 'doctor':
      return doctor(config, out);
    default:
      process.stderr.write(`parley: unknown command ${JSON.stringify(command)}\n`);
      USAGE.forEach((l) => process.stderr.write(`${l}\n`));
      return 2;
  }
}
