import type BetterSqlite3 from 'better-sqlite3';

type Row = Record<string, any>;

/*
 * The rows the append reads once per batch (the author, its conversation), fetched as arrays
 * and made into objects by a literal: better-sqlite3 builds a row object one column at a time
 * through V8's generic property path, which cost more per row than the read itself. The
 * columns are named in the SQL, and a test keeps each list equal to its table's columns, so
 * the objects have exactly the keys `SELECT *` would give.
 */

export const CONTACT_COLUMNS = [
  'id', 'type', 'user_id', 'email', 'name', 'profile_picture', 'custom_fields', 'locale', 'blocked', 'blocked_at', 'last_activity',
  'created_at', 'blocked_until', 'last_ip', 'last_device_id', 'token_epoch', 'merged_into', 'email_verified', 'block_expiry_lease',
] as const;

export const contactRow = (r: unknown[]): Row => ({
  id: r[0], type: r[1], user_id: r[2], email: r[3], name: r[4], profile_picture: r[5], custom_fields: r[6], locale: r[7], blocked: r[8],
  blocked_at: r[9], last_activity: r[10], created_at: r[11], blocked_until: r[12], last_ip: r[13], last_device_id: r[14],
  token_epoch: r[15], merged_into: r[16], email_verified: r[17], block_expiry_lease: r[18],
});

export const CONVERSATION_COLUMNS = [
  'id', 'contact_id', 'state', 'title', 'admin_assignee_id', 'created_at', 'updated_at', 'last_activity_at', 'snoozed_until',
] as const;

const conversationRow = (r: unknown[]): Row => ({
  id: r[0], contact_id: r[1], state: r[2], title: r[3], admin_assignee_id: r[4], created_at: r[5], updated_at: r[6],
  last_activity_at: r[7], snoozed_until: r[8],
});

/** A read of at most one row as an object (undefined: none). */
export type RowRead = (...params: unknown[]) => Row | undefined;

function reader(db: BetterSqlite3.Database, sql: string, toRow: (r: unknown[]) => Row): RowRead {
  const stmt = db.prepare(sql).raw(true);
  return (...params) => {
    const r = stmt.get(...params) as unknown[] | undefined;
    return r && toRow(r);
  };
}

/** `SELECT <every contact column> FROM contacts <rest>`, rows as objects. */
export const contactReader = (db: BetterSqlite3.Database, rest: string): RowRead =>
  reader(db, `SELECT ${CONTACT_COLUMNS.join(', ')} FROM contacts ${rest}`, contactRow);

/** `SELECT <every conversation column> FROM conversations <rest>`, rows as objects. */
export const conversationReader = (db: BetterSqlite3.Database, rest: string): RowRead =>
  reader(db, `SELECT ${CONVERSATION_COLUMNS.join(', ')} FROM conversations ${rest}`, conversationRow);
