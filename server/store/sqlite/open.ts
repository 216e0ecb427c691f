import Database from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteDialect } from '../dialect.js';
import { KyselyStore } from '../kysely-store.js';
import { queryTimer, type StoreObserver } from '../observer.js';
import type { Database as Tables } from '../schema.js';
import { SqliteAppender } from './append.js';
import { cachingStatements } from './statement-cache.js';
import { sqliteSteps } from './steps.js';

// SQLite does run DDL in transactions; telling Kysely so makes each migration atomic with its
// bookkeeping row, as PostgreSQL's are.
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl() {
    return true;
  }
}

class ParleySqliteDialect extends SqliteDialect {
  override createAdapter() {
    return new TransactionalDdlAdapter();
  }
}

/**
 * The embedded default store: one SQLite file in WAL mode (not migrated yet). better-sqlite3
 * is synchronous; write transactions are `BEGIN IMMEDIATE`, which also serialises writers
 * from other processes sharing the file.
 */
export function openSqliteStore(path: string, observer?: StoreObserver): KyselyStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Keep hot pages in memory; checkpoints run less often in bigger steps.
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = memory');
  db.pragma('wal_autocheckpoint = 4000');
  const kysely = new Kysely<Tables>({ dialect: new ParleySqliteDialect({ database: cachingStatements(db) }), log: queryTimer(observer) });
  return new KyselyStore({
    db: kysely, dialect: sqliteDialect, appender: new SqliteAppender(db, kysely, observer?.onAppendBatch?.bind(observer)), steps: sqliteSteps(db, kysely),
  });
}
