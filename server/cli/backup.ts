import Database from 'better-sqlite3';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { isPostgresUrl } from '../store/create-store.js';
import { maskUrlPassword } from './mask.js';

/** The documented PostgreSQL backup and restore commands for this configuration. */
export function pgDumpCommands(config: Config, file: string) {
  const url = maskUrlPassword(config.databaseUrl);
  const schema = config.databaseSchema ? ` --schema=${config.databaseSchema}` : '';
  return {
    dump: `pg_dump --format=custom --no-owner${schema} --file=${file} "${url}"`,
    restore: `pg_restore --clean --if-exists --no-owner --dbname="${url}" ${file}`,
  };
}

/**
 * `parley backup <file>`: SQLite's online backup into a new file (consistent while the server
 * keeps writing; owner-only like the database). For PostgreSQL it prints the pg_dump command
 * instead: the database server is the one to copy itself.
 */
export async function backup(config: Config, target: string | undefined, out: (line: string) => void): Promise<number> {
  if (!target) {
    out('usage: parley backup <file>');
    return 2;
  }
  if (isPostgresUrl(config.databaseUrl)) {
    const { dump, restore } = pgDumpCommands(config, target);
    out('The store is PostgreSQL: back it up with pg_dump (put the password in PGPASSWORD or ~/.pgpass):');
    out(`  ${dump}`);
    out('Restore into an empty database (servers stopped):');
    out(`  ${restore}`);
    return 0;
  }
  const source = resolve(config.databaseUrl);
  if (!existsSync(source)) {
    out(`No database at ${source} (DATABASE_URL): nothing to back up.`);
    return 1;
  }
  if (existsSync(target)) {
    out(`${resolve(target)} exists already; choose a new file (a backup never overwrites).`);
    return 1;
  }
  const db = new Database(source, { fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  chmodSync(target, 0o600);
  out(`Backed up ${source} to ${resolve(target)} (${statSync(target).size} bytes).`);
  return 0;
}
