import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { runSync, type Step, type Steps } from '../protection-sql.js';
import type { Database } from '../schema.js';
import type { StepRunner } from '../step-runner.js';

type Row = Record<string, any>;

/**
 * Statement steps on better-sqlite3: one synchronous `BEGIN IMMEDIATE` transaction, each
 * statement prepared once. The hot paths that use it (the block lock) say so; everything
 * else goes through Kysely.
 */
export function sqliteSteps(db: BetterSqlite3.Database, kysely: Kysely<Database>): StepRunner {
  const exec = preparedExec(db);
  const tx = db.transaction((steps: () => Steps<unknown>) => runSync(steps(), exec));
  return <T>(steps: () => Steps<T>) => {
    // A Kysely transaction on the handle spans awaits: ours waits for Kysely's connection mutex
    // meanwhile (better-sqlite3 would nest it into that one as a savepoint). With none open it
    // runs at once: it is synchronous, so nothing can interleave with it, and it skips the
    // mutex's promise round (measured on the block lock's path to the push).
    if (db.inTransaction) return kysely.connection().execute(async () => tx.immediate(steps) as T);
    try {
      return Promise.resolve(tx.immediate(steps) as T);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

type Exec = (s: Step) => Row[];
const execs = new WeakMap<BetterSqlite3.Database, Exec>();

/**
 * Runs one step on the handle, each distinct SQL text prepared once per handle (the block
 * lock, the append and the hot reads share the statements); rows back (none for a plain write).
 */
export function preparedExec(db: BetterSqlite3.Database): Exec {
  let exec = execs.get(db);
  if (!exec) execs.set(db, (exec = statementsOn(db)));
  return exec;
}

function statementsOn(db: BetterSqlite3.Database): Exec {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  return (s) => {
    let st = prepared.get(s.sql);
    if (!st) prepared.set(s.sql, (st = db.prepare(s.sql)));
    if (st.reader) return st.all(...s.params) as Row[];
    st.run(...s.params);
    return [];
  };
}
