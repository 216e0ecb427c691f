import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.js';

/**
 * What differs between SQLite and PostgreSQL for the queries written once on Kysely: a few
 * values and functions, no SQL of its own beyond the transaction statements.
 */
export interface Dialect {
  readonly kind: 'sqlite' | 'postgres';
  /** Paging order of tables without a sequence column of their own: SQLite's rowid, PostgreSQL's `seq`. */
  readonly seq: 'rowid' | 'seq';
  /** Column type of timestamps (migrations): ISO text in SQLite. */
  readonly timeType: 'text' | 'timestamptz';
  /** A boolean as the driver binds it (better-sqlite3 takes no booleans). */
  flag(value: boolean): number | boolean;
  /**
   * Row locks for a read that decides a write (the block check, last-admin check, merges).
   * PostgreSQL: FOR UPDATE. SQLite: nothing, its write transactions already exclude every
   * other writer, in this process and others sharing the file.
   */
  lock<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /**
   * A read that claims rows for this process: PostgreSQL skips rows another transaction has
   * locked (FOR UPDATE SKIP LOCKED); SQLite's write transaction already excludes the others.
   */
  claim<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Runs `fn` in a write transaction on one connection; rolls back if it throws. */
  transaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  seq: 'rowid',
  timeType: 'text',
  flag: (value) => (value ? 1 : 0),
  lock: (qb) => qb,
  claim: (qb) => qb,
  // BEGIN IMMEDIATE takes the write lock up front, so two processes sharing the file never
  // deadlock upgrading a read. `connection()` holds Kysely's single-connection mutex, so
  // nothing else (the append batch included) runs on the handle meanwhile.
  transaction: (db, fn) => db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  }),
};

export const postgresDialect: Dialect = {
  kind: 'postgres',
  seq: 'seq',
  timeType: 'timestamptz',
  flag: (value) => value,
  lock: (qb) => qb.forUpdate(),
  claim: (qb) => qb.forUpdate().skipLocked(),
  transaction: (db, fn) => db.transaction().execute(fn),
};

/** Decoding that serves both drivers: what one hands over as text the other has parsed already. */
export const decode = {
  /** A timestamp as an ISO string (millisecond precision). */
  time: (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : String(v)),
  json: (v: unknown): any => (typeof v === 'string' ? JSON.parse(v) : v),
  flag: (v: unknown): boolean => v === true || v === 1,
};

/**
 * Runs a plain-SQL read (`?` placeholders) at once, synchronously, and answers its rows, or
 * null when it cannot run now; the read then goes through Kysely (store/hot-reads.ts).
 */
export type FastRead = (sql: string, params: unknown[]) => Record<string, any>[] | null;

/** Where queries run: the store's pool, or one transaction that several repositories share. */
export class Conn {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    readonly inTransaction = false,
    /** The dialect's shortcut for the page view's reads, if it has one (SQLite: sqlite/prepared-reads.ts). */
    readonly fastRead: FastRead | null = null,
  ) {}

  /** `fn` in a write transaction; inside one already, in that one. */
  tx<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.dialect.transaction(this.db, (trx) => fn(new Conn(trx, this.dialect, true)));
  }

  /** The paging column as a selectable `seq`. */
  get seq() {
    return sql.ref<number | string>(this.dialect.seq);
  }
}

/** Conversation ids are integers: anything else cannot match (and must not reach PostgreSQL as one). */
export const shortId = (id: string): string | null => (/^[0-9]{1,18}$/.test(id) ? id : null);
