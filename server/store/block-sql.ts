import type { CoreEvent } from '../core/events.js';
import { decode, type Dialect } from './dialect.js';
import { newObjectId } from './ids.js';
import { outboxStmt } from './outbox.js';
import type { Steps, Stmt } from './protection-sql.js';
import { isBlockedRow, toContact } from './rows.js';
import type {
  AuditLogInput, AuditLogRecord, BlockEventRecord, BlockRuleInput, BlockRuleRecord, ContactSeen, SetBlockedInput, SetBlockedResult,
} from './store.js';

/*
 * The block lock, a documented hot path (issue 11): a contact's block state changes with
 * everything that goes with it (history event, IP and device rules,
 * audit entry, webhook outbox) in one write transaction, as plain statements written once for
 * both dialects. SQLite runs them synchronously in one better-sqlite3 transaction (no await,
 * no query builder between statements: bench/RESULTS.md "Block → contact:blocked"),
 * PostgreSQL on one pooled connection with the contact's row lock. The statements' results
 * are built from what was written rather than read back.
 */

type Row = Record<string, any>;

/** What goes with the change, decided by the core from its result (synchronous: the transaction is open). */
export interface BlockPlan {
  /** IP and device rules to add, from where the contact last connected (a wider block). */
  rules?(result: SetBlockedResult, seen: ContactSeen): BlockRuleInput[];
  /** Lift the IP and device rules this contact's block added. */
  lift?(result: SetBlockedResult): boolean;
  /** The audit entry (none: nothing worth one) and the outbox events the webhooks want. */
  after(result: SetBlockedResult, rules: BlockRuleRecord[], lifted: number): { audit: AuditLogInput | null; recordAudit: boolean; events: CoreEvent[] };
}

export interface BlockChange {
  result: SetBlockedResult;
  rules: BlockRuleRecord[];
  lifted: number;
  audit: AuditLogRecord | null;
}

export interface BlockSqlDialect {
  flag(value: boolean): unknown;
  /** ` FOR UPDATE` on PostgreSQL; SQLite's write transaction already excludes every writer. */
  lockSuffix: string;
  /** Writes whose results nobody reads, as the statements to run: one round trip on PostgreSQL. */
  writes(stmts: Stmt[]): Stmt[];
}

/**
 * PostgreSQL runs independent writes as one statement, each a data-modifying WITH member
 * (each touches its own rows; none reads another's). SQLite runs them one by one: no round
 * trips to save, and it has no data-modifying WITH.
 */
const asOne = (stmts: Stmt[]): Stmt[] => (stmts.length < 2 ? stmts : [{
  sql: `WITH ${stmts.slice(0, -1).map((s, i) => `w${i} AS (${s.sql})`).join(', ')} ${stmts[stmts.length - 1].sql}`,
  params: stmts.flatMap((s) => s.params),
}]);

export const blockSqlDialect = (d: Dialect): BlockSqlDialect => (d.kind === 'postgres'
  ? { flag: d.flag, lockSuffix: ' FOR UPDATE', writes: asOne }
  : { flag: d.flag, lockSuffix: '', writes: (stmts) => stmts });

/** Merges followed at most this far (a lead merges once; a chain means a bug, not a loop to follow). */
const MAX_MERGE_HOPS = 4;

/**
 * The change, as statements for a runner inside one write transaction. Null when the contact
 * does not exist.
 */
export function* changeBlock(input: SetBlockedInput, plan: BlockPlan, d: BlockSqlDialect): Steps<BlockChange | null> {
  const lock = (id: string): Stmt => ({ sql: `SELECT * FROM contacts WHERE id = ?${d.lockSuffix}`, params: [id] });
  let [row]: Row[] = yield lock(input.contactId);
  for (let hops = 0; input.followMerges && row?.merged_into && hops < MAX_MERGE_HOPS; hops++) [row] = yield lock(row.merged_into);
  if (!row) return null;
  const id: string = row.id;
  const now = new Date().toISOString();
  const writes: Stmt[] = [];
  let result: SetBlockedResult;
  if (input.expiredBy !== undefined) {
    // The end of a temporary block: only if the stored block is still the one that expired.
    const until = decode.time(row.blocked_until);
    const stillThatBlock = !input.blocked && decode.flag(row.blocked) && until !== null && until <= input.expiredBy;
    result = stillThatBlock ? setState(id, row, input, now, d, writes) : { contact: toContact(row), changed: false };
  } else if (isBlockedRow(row) !== input.blocked) {
    result = setState(id, row, input, now, d, writes);
  } else if (input.blocked && input.blockedUntil !== undefined && input.blockedUntil !== decode.time(row.blocked_until)) {
    // Blocking a blocked contact again may change (or clear) its expiry: no new block event.
    writes.push(update(row, { blocked_until: input.blockedUntil, block_expiry_lease: null }));
    result = { contact: toContact({ ...row, blocked_until: input.blockedUntil, block_expiry_lease: null }), changed: false, expiryChanged: true };
  } else {
    result = { contact: toContact(row), changed: false };
  }
  const added: BlockRuleRecord[] = (plan.rules?.(result, { ip: row.last_ip, deviceId: row.last_device_id }) ?? []).map((rule) => ({ id: newObjectId(), ...rule, createdAt: now }));
  if (added.length) {
    // One statement, rows in order (their seq orders rules made in the same instant).
    writes.push({
      sql: `INSERT INTO block_rules (id, kind, value, source_contact_id, expires_at, created_at) VALUES ${added.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      params: added.flatMap((r) => [r.id, r.kind, r.value, r.sourceContactId, r.expiresAt, now]),
    });
  }
  const lifted = plan.lift?.(result) ? (yield { sql: 'DELETE FROM block_rules WHERE source_contact_id = ? RETURNING id', params: [id] }).length : 0;
  const { audit, recordAudit, events } = plan.after(result, added, lifted);
  let stored: AuditLogRecord | null = null;
  if (audit) {
    stored = { id: newObjectId(), ...audit, createdAt: now };
    writes.push(auditStmt(stored));
    if (recordAudit) events.push({ type: 'audit_log:created', entry: stored });
  }
  for (const event of events) writes.push(outboxStmt(event, now));
  for (const w of d.writes(writes)) yield w;
  return { result, rules: added, lifted, audit: stored };
}

/** The state flips: the row and its history event (added to `writes`). */
function setState(id: string, row: Row, input: SetBlockedInput, now: string, d: BlockSqlDialect, writes: Stmt[]): SetBlockedResult {
  const set = { blocked: d.flag(input.blocked), blocked_at: input.blocked ? now : null, blocked_until: input.blocked ? input.blockedUntil ?? null : null };
  const event: BlockEventRecord = {
    id: newObjectId(), contactId: id, action: input.blocked ? 'block' : 'unblock', actorType: input.actorType, actorId: input.actorId ?? null, reason: input.reason ?? null, createdAt: now,
  };
  writes.push(
    update(row, { ...set, block_expiry_lease: null }),
    blockEventInsert(event),
  );
  return { contact: toContact({ ...row, ...set, block_expiry_lease: null }), changed: true, event };
}

/**
 * The contact's row with only the columns whose value changes: SQLite rewrites an index's page
 * for a column assigned its own value, and most blocks leave the expiry columns (indexed) null.
 */
function update(row: Row, set: Record<string, unknown>): Stmt {
  const changed = Object.entries(set).filter(([column, value]) => (column === 'blocked' ? decode.flag(row[column]) !== decode.flag(value) : decode.time(row[column]) !== value));
  if (!changed.length) changed.push(['blocked', set.blocked ?? row.blocked]);
  return { sql: `UPDATE contacts SET ${changed.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`, params: [...changed.map(([, value]) => value), row.id] };
}

/** A block history event (the block lock's, and a protection rule's). */
export const blockEventInsert = (e: BlockEventRecord): Stmt => ({
  sql: 'INSERT INTO block_events (id, contact_id, action, actor_type, actor_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  params: [e.id, e.contactId, e.action, e.actorType, e.actorId, e.reason, e.createdAt],
});

const auditStmt = (a: AuditLogRecord): Stmt => ({
  sql: `INSERT INTO audit_logs (id, action, domain, description, actor_type, actor_id, actor_email, actor_name, resource_type, resource_id, resource_name,
      ip_address, user_agent, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  params: [a.id, a.action, a.domain, a.description, a.actor.type, a.actor.id, a.actor.email, a.actor.name, a.resource.type, a.resource.id, a.resource.name,
    a.request.ipAddress, a.request.userAgent, JSON.stringify(a.metadata ?? {}), a.createdAt],
});
