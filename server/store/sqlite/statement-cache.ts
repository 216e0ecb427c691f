import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct query texts kept prepared; Kysely builds a few hundred shapes at most. */
const MAX_STATEMENTS = 500;

/**
 * The database as Kysely's SQLite driver sees it, preparing each distinct SQL text once:
 * the driver calls `prepare` for every query, and parsing and planning a statement again
 * costs more than running most of them (a page view runs several). Safe because Kysely
 * uses the one connection for one query at a time (its mutex), and better-sqlite3 re-prepares
 * a statement by itself after a schema change. Least recently used texts are dropped first.
 */
export function cachingStatements(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt as unknown as SqliteStatement;
    },
  };
}
