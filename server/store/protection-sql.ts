import { MAX_WINDOW_SECONDS } from '../../protocol/schemas/protection.js';
import { CompiledQuery } from 'kysely';
import { decode, type Conn } from './dialect.js';
import { isoAt } from './iso-clock.js';
import { newObjectId } from './ids.js';
import { outboxStmt } from './outbox.js';
import { blockEventInsert } from './block-sql.js';
import { toContact } from './rows.js';
import type {
  BlockEventRecord, ContactRecord, FactNeeds, HeldMessageRecord, ProtectionCheck, ProtectionFacts, ProtectionFiring, ProtectionVerdict, RecentMessage,
} from './store.js';

/*
 * The SQL of automatic protection, written once for both dialects and all three places that
 * run it: the SQLite append (better-sqlite3, synchronous), the PostgreSQL append (pg) and the
 * rate-limit path (Kysely). Each statement is plain SQL with `?` placeholders and ISO-string
 * timestamps; a runner executes the list and hands the rows back. Reads come first (facts),
 * the core's `decide` runs on them, then the writes that carry out the verdict.
 */

type Row = Record<string, any>;

export interface Stmt {
  sql: string;
  params: unknown[];
}

/** `?` placeholders as PostgreSQL's `$1, $2…` (none of our SQL has a literal `?`). */
export const numbered = (text: string): string => {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
};

// Recent history is bounded: no condition counts past MAX_CONDITION_COUNT.
const RECENT = 100;
const since = (nowMs: number, seconds: number) => isoAt(nowMs - seconds * 1000);

const time = (r: Row) => decode.time(r.created_at)!;

/** The contact's recent messages, stored and held, newest first (links since an agent's reply). */
function* recentMessages(contactId: string): Steps<RecentMessage[]> {
  const stored: Row[] = yield { sql: 'SELECT body, author_type, message_type, created_at FROM messages WHERE contact_id = ? ORDER BY seq DESC LIMIT ?', params: [contactId, RECENT] };
  const held: Row[] = yield { sql: 'SELECT body, author_type, created_at FROM held_messages WHERE contact_id = ? ORDER BY created_at DESC, id DESC LIMIT ?', params: [contactId, RECENT] };
  return [
    ...stored.map((r) => ({ body: r.body, authorType: r.author_type, messageType: r.message_type, createdAt: time(r), held: false })),
    ...held.map((r) => ({ body: r.body, authorType: r.author_type, messageType: 'reply' as const, createdAt: time(r), held: true })),
  ].sort((x, y) => (x.createdAt < y.createdAt ? 1 : x.createdAt > y.createdAt ? -1 : 0));
}

const rateHitsRead = (contactId: string, from: string): Stmt => ({
  sql: `SELECT created_at FROM protection_signals WHERE contact_id = ? AND kind = 'rate_limit' AND created_at >= ? ORDER BY created_at DESC LIMIT ?`,
  params: [contactId, from, RECENT],
});

const leadsByIpRead = (ip: string, from: string): Stmt => ({
  sql: `SELECT created_at FROM contacts WHERE last_ip = ? AND type = 'lead' AND created_at >= ? ORDER BY created_at DESC LIMIT ?`,
  params: [ip, from, RECENT],
});

const leadsByDeviceRead = (deviceId: string, from: string): Stmt => ({
  sql: `SELECT c.created_at FROM contact_devices d JOIN contacts c ON c.id = d.contact_id
    WHERE d.device_id = ? AND c.type = 'lead' AND c.created_at >= ? ORDER BY c.created_at DESC LIMIT ?`,
  params: [deviceId, from, RECENT],
});

/**
 * Lead times by address or device, kept for a transaction: no append changes a contact's
 * address, type or creation time, so what was read holds until it ends. Kept with the start
 * of the window read: times read from an earlier start hold every time of a later one (each
 * rule counts in its own window), so a later message reads nothing.
 */
export type LeadTimes = Map<string, { fromMs: number; times: string[] }>;

/** Lead times as `group_concat` gives them (SQLite's read ahead), newest first as a read gives them. */
export const leadTimesOf = (list: string | null): string[] => (list ? list.split(',').sort().reverse() : NONE);

function* leadTimes(kept: LeadTimes | undefined, key: string, fromMs: number, read: (key: string, from: string) => Stmt): Steps<string[]> {
  const times = ((yield read(key, isoAt(fromMs))) as Row[]).map(time);
  kept?.set(key, { fromMs, times });
  return times;
}

/**
 * A text as the state row keeps it: its length and two FNV-1a hashes, so no body is copied.
 * Not cryptographic (a collision can only make a contact's own two texts count as copies),
 * and a fraction of a digest's cost on every message.
 */
function textHash(body: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x811c9dc5) ^ (b >>> 15);
  }
  // Decimal: V8 turns small integers into decimal strings several times faster than base 36.
  return `${body.length}.${decimal(a >>> 0)}.${decimal(b >>> 0)}`;
}

/**
 * `${x}` for an unsigned 32-bit x, the same string made faster: past 2^30 x is no small integer
 * (Smi) for V8, whose conversion of other numbers cost more than the hash; x / 10 and its last
 * digit are.
 */
const decimal = (x: number): string => (x <= 0x3fffffff ? `${x}` : `${(x - (x % 10)) / 10}${x % 10}`);

// Facts no rule asked for: one shared empty list (the rules only read them).
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** The contact's earlier copies of the text sent in a row, newest first (from its state row). */
const sameTextAt = (state: Row | undefined, hash: string | null): string[] =>
  hash !== null && state?.text_hash === hash && state.text_times ? String(state.text_times).split(',') : NONE;

/*
 * The per-contact state row (migration 13), kept current in the transactions that change it,
 * so a message meets the rules with one read: its latest text while a `repeated` rule runs,
 * how many of its messages are held (none: a history skips the held lookup). Its blocks are
 * counted from the block history in that read (`blockFacts`), so the block lock writes nothing here.
 */
const upsertState = (columns: string, values: unknown[], set: string): Stmt => ({
  sql: `INSERT INTO protection_contact_state (contact_id, ${columns}) VALUES (?${', ?'.repeat(values.length - 1)})
    ON CONFLICT (contact_id) DO UPDATE SET ${set}`,
  params: values,
});

/**
 * A message met the rules: its text becomes the contact's latest in `state`, with the times
 * of the copies in a row before it (within the longest window, as many as a rule waits for).
 */
function nextText(state: Row, hash: string, now: string, nowMs: number, earlier: string[], needs: FactNeeds) {
  let times = now;
  if (earlier.length) {
    const from = since(nowMs, needs.sameTextSeconds);
    for (let i = 0, kept = 1; i < earlier.length && kept < needs.sameTextKeep; i++) {
      if (earlier[i] >= from) {
        times += `,${earlier[i]}`;
        kept++;
      }
    }
  }
  state.text_hash = hash;
  state.text_times = times;
}

/** Writes the latest text of `state` to the contact's state row (an upsert unless the row was read). */
export const textWrite = (contactId: string, state: Row): Stmt =>
  state.state_id
    ? { sql: 'UPDATE protection_contact_state SET text_hash = ?, text_times = ? WHERE contact_id = ?', params: [state.text_hash, state.text_times, contactId] }
    : upsertState('text_hash, text_times', [contactId, state.text_hash, state.text_times], 'text_hash = excluded.text_hash, text_times = excluded.text_times');

/** One more (or, `-1`, one fewer) held message of this contact. */
export const heldCounted = (contactId: string, by: 1 | -1): Stmt =>
  by > 0
    ? upsertState('held_count', [contactId, 1], 'held_count = protection_contact_state.held_count + 1')
    : { sql: 'UPDATE protection_contact_state SET held_count = held_count - 1 WHERE contact_id = ? AND held_count > 0', params: [contactId] };

/**
 * A contact's blocks and its latest unblock, from the block history (index block_events_contact),
 * as columns of a read where `contactId` names the contact: the columns of migration 13 that
 * counted them are no longer kept.
 */
export const blockFacts = (contactId: string, prefix = '') =>
  `(SELECT count(*) FROM block_events b WHERE b.contact_id = ${contactId} AND b.action = 'block') AS ${prefix}block_count,
    (SELECT max(b.created_at) FROM block_events b WHERE b.contact_id = ${contactId} AND b.action = 'unblock') AS ${prefix}unblocked_at`;

/** Held messages of a merged lead became the customer's: so does their count. */
export const heldMoved = (leadId: string, customerId: string): Stmt[] => [
  {
    sql: `INSERT INTO protection_contact_state (contact_id, held_count) SELECT ?, held_count FROM protection_contact_state WHERE contact_id = ? AND held_count > 0
      ON CONFLICT (contact_id) DO UPDATE SET held_count = protection_contact_state.held_count + excluded.held_count`,
    params: [customerId, leadId],
  },
  { sql: 'UPDATE protection_contact_state SET held_count = 0 WHERE contact_id = ?', params: [leadId] },
];

/** Whether the contact has held messages now (a history without any skips their lookup). */
export const hasHeld = (contactId: string): Stmt => ({ sql: 'SELECT held_count FROM protection_contact_state WHERE contact_id = ? AND held_count > 0', params: [contactId] });

/** A contact's blocks alone (`blockFacts`), for a state row read without them. */
const blocksRead = (contactId: string): Stmt => ({ sql: `SELECT ${blockFacts('?')}`, params: [contactId, contactId] });

const STATE_COLUMNS = `s.contact_id AS state_id, s.text_hash, s.text_times, s.held_count, ${blockFacts('k.contact_id')}`;

/**
 * One read before the rules: the contact's state row (or nulls), and for a send with an
 * idempotency key whether a stored or a held message already used it (index probes).
 */
const stateOf = (contactId: string, authorId: string, clientId: string | null): Stmt => ({
  sql: `SELECT ${STATE_COLUMNS},
      (SELECT m.id FROM messages m WHERE m.author_id = ? AND m.client_id = ?) AS stored_id,
      (SELECT h.id FROM held_messages h WHERE h.author_id = ? AND h.client_id = ?) AS held_id
    FROM (SELECT ? AS contact_id) k LEFT JOIN protection_contact_state s ON s.contact_id = k.contact_id`,
  params: [authorId, clientId, authorId, clientId, contactId],
});

/** The contact's state row alone (a caller that keeps it for a transaction reads it once). */
export const stateRead = (contactId: string): Stmt => ({
  sql: `SELECT ${STATE_COLUMNS} FROM (SELECT ? AS contact_id) k LEFT JOIN protection_contact_state s ON s.contact_id = k.contact_id`,
  params: [contactId],
});

/** Whether a stored or a held message of this author already used this idempotency key. */
const keyProbe = (authorId: string, clientId: string): Stmt => ({
  sql: `SELECT (SELECT m.id FROM messages m WHERE m.author_id = ? AND m.client_id = ?) AS stored_id,
      (SELECT h.id FROM held_messages h WHERE h.author_id = ? AND h.client_id = ?) AS held_id`,
  params: [authorId, clientId, authorId, clientId],
});

export const toHeld = (r: Row): HeldMessageRecord => ({
  id: r.id, contactId: r.contact_id, conversationId: r.conversation_id ?? null, clientId: r.client_id ?? null, authorType: r.author_type,
  authorId: r.author_id, authorName: r.author_name ?? null, body: r.body, ruleId: r.rule_id, ruleName: r.rule_name, createdAt: decode.time(r.created_at)!,
});

const EXCERPT = 200;

/** Log rows for every rule that matched (dry run included). */
function eventStmts(verdict: ProtectionVerdict, contactId: string, body: string | null, trigger: ProtectionFacts['trigger'], now: string): Stmt[] {
  return verdict.matched.map((m) => ({
    sql: `INSERT INTO protection_events (id, rule_id, rule_name, mode, action, trigger_kind, contact_id, excerpt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [newObjectId(), m.ruleId, m.ruleName, m.mode, m.action.type, trigger, contactId, body === null ? null : body.slice(0, EXCERPT), now],
  }));
}

/** What carrying out a verdict writes, and what it made. */
export type Outcome =
  | { kind: 'none'; writes: Stmt[] }
  | { kind: 'hold'; writes: Stmt[]; held: HeldMessageRecord }
  /** `update` returns the contact row; `event` is the block event it records. */
  | { kind: 'block'; writes: Stmt[]; update: Stmt; event: BlockEventRecord; firing: ProtectionFiring };

export interface MessageDraft {
  conversationId: string | null;
  clientId: string | null;
  authorType: HeldMessageRecord['authorType'];
  authorId: string;
  authorName: string | null;
  body: string;
}

export const blockReason = (f: ProtectionFiring) => `Automatic: protection rule "${f.ruleName}" (${f.action.type === 'temporary_block' ? `blocked for ${f.action.seconds} s` : 'blocked'}).`;

/**
 * The writes that carry out `verdict` for `contact` (its row as read in this transaction):
 * log rows, then the held message or the block with its history event, and outbox events
 * for the webhooks that want them. `flag` is the dialect's boolean.
 */
export function outcome(check: ProtectionCheck, verdict: ProtectionVerdict, contact: Row, draft: MessageDraft | null, trigger: ProtectionFacts['trigger'], now: string, flag: (b: boolean) => unknown): Outcome {
  const writes = eventStmts(verdict, contact.id, draft?.body ?? null, trigger, now);
  const act = verdict.act;
  if (!act) return { kind: 'none', writes };
  if (act.action.type === 'hold') {
    if (!draft) return { kind: 'none', writes };
    const held: HeldMessageRecord = { id: newObjectId(), contactId: contact.id, ...draft, ruleId: act.ruleId, ruleName: act.ruleName, createdAt: now };
    writes.push({
      sql: `INSERT INTO held_messages (id, contact_id, conversation_id, client_id, author_type, author_id, author_name, body, rule_id, rule_name, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [held.id, held.contactId, held.conversationId, held.clientId, held.authorType, held.authorId, held.authorName, held.body, held.ruleId, held.ruleName, now],
    }, heldCounted(held.contactId, 1));
    if (check.recordHeld) writes.push(outboxStmt({ type: 'message:held', held, rule: { id: act.ruleId, name: act.ruleName } }, now));
    return { kind: 'hold', writes, held };
  }
  const until = act.action.type === 'temporary_block' ? new Date(Date.parse(now) + act.action.seconds * 1000).toISOString() : null;
  const event: BlockEventRecord = { id: newObjectId(), contactId: contact.id, action: 'block', actorType: 'rule', actorId: act.ruleId, reason: blockReason(act), createdAt: now };
  writes.push(blockEventInsert(event));
  const update = { sql: 'UPDATE contacts SET blocked = ?, blocked_at = ?, blocked_until = ? WHERE id = ? RETURNING *', params: [flag(true), now, until, contact.id] };
  return { kind: 'block', writes, update, event, firing: act };
}

/** The core event of a rule's block (published after commit; written to the outbox with it). */
export const blockedEvent = (contact: ContactRecord, event: BlockEventRecord, firing: ProtectionFiring) => ({
  type: 'contact:blocked' as const, contact, event,
  details: { scope: 'contact' as const, blockedUntil: contact.blockedUntil, rules: [], firedRule: { id: firing.ruleId, name: firing.ruleName } },
});

/** One statement for a runner: rows come back (none for a plain write). */
export type Step = Stmt;
export type Steps<T> = Generator<Step, T, Row[]>;

/** Runs the steps on a synchronous driver (better-sqlite3 inside its transaction). */
export function runSync<T>(steps: Steps<T>, exec: (s: Step) => Row[]): T {
  let next = steps.next();
  while (!next.done) next = steps.next(exec(next.value));
  return next.value;
}

/** Runs one statement through Kysely (either dialect), rows back. */
export const kyselyExec = (c: Conn) => async (s: Stmt): Promise<Row[]> =>
  (await c.db.executeQuery<Row>(CompiledQuery.raw(c.dialect.kind === 'postgres' ? numbered(s.sql) : s.sql, s.params))).rows;

/** Runs the steps on an asynchronous driver (pg client, Kysely transaction). */
export async function runAsync<T>(steps: Steps<T>, exec: (s: Step) => Promise<Row[]>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await exec(next.value));
  return next.value;
}

export type Protected =
  | { status: 'held'; held: HeldMessageRecord; duplicate: boolean }
  | { status: 'blocked_by_rule'; contact: ContactRecord; event: BlockEventRecord; firing: ProtectionFiring; row: Row };

/** What the rules made of a contact's message; null: store it as usual. */
export type MessageVerdict = Protected | { status: 'stored_before' } | null;

/**
 * What the caller of `protectMessage` has already read in its transaction. The SQLite batch
 * keeps all of it for the transaction (one state read per contact, not per message); the
 * PostgreSQL append, one message per transaction, passes none of it.
 */
export interface Known {
  /**
   * The contact's state row as this transaction sees it (`stateRead`). The rules keep it
   * current as they write, so the next message of the transaction needs no read.
   */
  state?: Row;
  /** Lead times read in this transaction, by address and by device. */
  leads?: { ip: LeadTimes; device: LeadTimes };
  /**
   * Given: the latest text is not written here, the contact is added to this set and the
   * caller writes `textWrite` once per contact at the end of its transaction.
   */
  textLater?: Set<string>;
  /**
   * The idempotency key was already looked up among stored messages (PostgreSQL, under the
   * author's lock). Not given (SQLite, which stores with INSERT OR IGNORE): it is looked up
   * here before anything of the rules is written, and a message the rules let through that
   * the insert then finds stored must have its text put back (`restoreText`).
   */
  storedChecked: boolean;
}

/** The facts of an evaluation before anything is read: what the cheap conditions look at. */
function basicsOf(contact: Row, body: string | null, trigger: ProtectionFacts['trigger']): ProtectionFacts {
  const nowMs = Date.now();
  // One object from the basics to the facts: its shape never changes, and nothing unread is copied.
  return {
    now: isoAt(nowMs), nowMs, trigger, body, contact: { id: contact.id, type: contact.type, createdAt: decode.time(contact.created_at)! },
    recent: NONE, sameTextAt: NONE, rateHitsAt: NONE, leadsByIpAt: NONE, leadsByDeviceAt: NONE, blockCount: 0, lastUnblockAt: null,
  };
}

/** Lead times this transaction read already from a start no later than `fromMs` (undefined: none). */
const keptLeads = (kept: LeadTimes | undefined, key: string, fromMs: number): string[] | undefined => {
  const k = kept?.get(key);
  return k && k.fromMs <= fromMs ? k.times : undefined;
};

/** The message's text becomes the contact's latest: in `state`, written now (a statement) or at the end of the transaction. */
function textNoted(contactId: string, state: Row, hash: string, f: ProtectionFacts, needs: FactNeeds, known: Known): Stmt | null {
  nextText(state, hash, f.now, f.nowMs, f.sameTextAt, needs);
  if (known.textLater) {
    known.textLater.add(contactId);
    return null;
  }
  return textWrite(contactId, state);
}

/**
 * The usual case of a transaction that keeps what the rules read (the SQLite batch), without
 * the generators' machinery, which cost as much as the rules themselves: the contact's state is
 * known, no resend of a held message is possible, the facts the rules left need are at hand
 * and no rule matches. Then it notes the text (written at the end of the transaction) and
 * answers null: store the message as usual. Undefined: something must be read or written, so
 * run `protectMessage` (nothing was changed here).
 */
export function protectKnown(check: ProtectionCheck, author: Row, body: string, clientId: string | null, known: Known): null | undefined {
  const state = known.state;
  if (!state || !known.textLater || (clientId && Number(state.held_count) > 0)) return undefined;
  const f = basicsOf(author, body, 'message');
  const plan = check.plan(f);
  if (!plan) return null;
  const needs = plan.needs;
  if (needs.history || needs.rateHitsSeconds) return undefined;
  if (needs.blocks) {
    if (state.block_count === undefined) return undefined;
    f.blockCount = Number(state.block_count ?? 0);
    f.lastUnblockAt = decode.time(state.unblocked_at ?? null);
  }
  if (needs.leadsByIpSeconds && author.last_ip) {
    const times = keptLeads(known.leads?.ip, author.last_ip, f.nowMs - needs.leadsByIpSeconds * 1000);
    if (!times) return undefined;
    f.leadsByIpAt = times;
  }
  if (needs.leadsByDeviceSeconds && author.last_device_id) {
    const times = keptLeads(known.leads?.device, author.last_device_id, f.nowMs - needs.leadsByDeviceSeconds * 1000);
    if (!times) return undefined;
    f.leadsByDeviceAt = times;
  }
  const hash = needs.sameTextSeconds ? textHash(body) : null;
  f.sameTextAt = sameTextAt(state, hash);
  if (plan.decide(f).matched.length) return undefined;
  // Written at the end of the transaction (`textLater`): nothing to run here.
  if (hash !== null) textNoted(author.id, state, hash, f, needs, known);
  return null;
}

/**
 * Runs the cheap conditions, reads the facts, asks the rules and carries out their verdict;
 * yields each statement to the runner. `state`: the contact's state row, when read already.
 * `probed`: whether the message's idempotency key was already looked up.
 */
function* protect(
  check: ProtectionCheck, contact: Row, draft: MessageDraft | null, trigger: ProtectionFacts['trigger'], flag: (b: boolean) => unknown,
  state: Row | undefined, known: Known, probed: boolean,
): Steps<MessageVerdict> {
  const f = basicsOf(contact, draft?.body ?? null, trigger);
  const { now, nowMs } = f;
  const plan = check.plan(f);
  if (!plan) return null;
  const needs = plan.needs;
  if (needs.blocks) {
    if (!state) [state] = yield stateRead(contact.id);
    // A state read ahead for rules that did not look at blocks (a batch's first check) has none yet.
    else if (state.block_count === undefined) Object.assign(state, (yield blocksRead(contact.id))[0]);
    f.blockCount = Number(state!.block_count ?? 0);
    f.lastUnblockAt = decode.time(state!.unblocked_at ?? null);
  }
  const hash = draft && needs.sameTextSeconds ? textHash(draft.body) : null;
  f.sameTextAt = sameTextAt(state, hash);
  if (needs.history) f.recent = yield* recentMessages(contact.id);
  if (needs.rateHitsSeconds) f.rateHitsAt = ((yield rateHitsRead(contact.id, since(nowMs, needs.rateHitsSeconds))) as Row[]).map(time);
  if (needs.leadsByIpSeconds && contact.last_ip) {
    const fromMs = nowMs - needs.leadsByIpSeconds * 1000;
    f.leadsByIpAt = keptLeads(known.leads?.ip, contact.last_ip, fromMs) ?? (yield* leadTimes(known.leads?.ip, contact.last_ip, fromMs, leadsByIpRead));
  }
  if (needs.leadsByDeviceSeconds && contact.last_device_id) {
    const fromMs = nowMs - needs.leadsByDeviceSeconds * 1000;
    f.leadsByDeviceAt = keptLeads(known.leads?.device, contact.last_device_id, fromMs) ?? (yield* leadTimes(known.leads?.device, contact.last_device_id, fromMs, leadsByDeviceRead));
  }
  const verdict = plan.decide(f);
  if (!verdict.matched.length) {
    // Nothing matched (most messages): only the latest text changes.
    if (state && hash !== null) {
      const write = textNoted(contact.id, state, hash, f, needs, known);
      if (write) yield write;
    }
    return null;
  }
  // Something is about to be written for this message: a resend must not write it twice.
  if (!probed && draft?.clientId && verdict.matched.length) {
    const [ids] = yield keyProbe(draft.authorId, draft.clientId);
    if (ids.stored_id) return { status: 'stored_before' };
    if (ids.held_id) return { status: 'held', held: toHeld((yield { sql: 'SELECT * FROM held_messages WHERE id = ?', params: [ids.held_id] })[0]), duplicate: true };
  }
  const out = outcome(check, verdict, contact, draft, trigger, now, flag);
  if (state && out.kind === 'hold') state.held_count = Number(state.held_count ?? 0) + 1;
  if (state && out.kind === 'block' && state.block_count !== undefined) state.block_count = Number(state.block_count ?? 0) + 1;
  // Copies in a row are counted whatever became of them (stored or held).
  if (state && hash !== null && out.kind !== 'block') {
    const write = textNoted(contact.id, state, hash, f, needs, known);
    if (write) out.writes.push(write);
  }
  for (const w of out.writes) yield w;
  if (out.kind === 'hold') return { status: 'held', held: out.held, duplicate: false };
  if (out.kind !== 'block') return null;
  const [row] = yield out.update;
  const blocked = toContact(row);
  if (check.recordBlocked) yield outboxStmt(blockedEvent(blocked, out.event, out.firing), now);
  return { status: 'blocked_by_rule', contact: blocked, event: out.event, firing: out.firing, row };
}

/**
 * A contact's message meets the rules, in the append's transaction, after the block check
 * (the author's row read there, locked on PostgreSQL). Null: store it as usual.
 */
export function* protectMessage(check: ProtectionCheck, author: Row, draft: MessageDraft, flag: (b: boolean) => unknown, known: Known): Steps<MessageVerdict> {
  let state = known.state;
  let ids: Row | null = null;
  if (!state) [state] = [ids] = yield stateOf(author.id, draft.authorId, draft.clientId);
  // A contact with held messages may be resending one: look its key up before anything.
  else if (draft.clientId && Number(state.held_count) > 0) [ids] = yield keyProbe(draft.authorId, draft.clientId);
  // A resend of a stored message is answered as the caller answers duplicates; of a held one, here.
  if (ids?.stored_id) return { status: 'stored_before' };
  if (ids?.held_id) return { status: 'held', held: toHeld((yield { sql: 'SELECT * FROM held_messages WHERE id = ?', params: [ids.held_id] })[0]), duplicate: true };
  return yield* protect(check, author, draft, 'message', flag, state, known, known.storedChecked || ids !== null || !draft.clientId);
}

/** A rate-limit hit is recorded, then the rules that count them run (in the caller's transaction). */
export function* protectSignal(check: ProtectionCheck, contact: Row, flag: (b: boolean) => unknown): Steps<Protected | null> {
  const nowMs = Date.now();
  // Hits older than any window are of no use: each contact's go as it adds new ones.
  yield { sql: `DELETE FROM protection_signals WHERE contact_id = ? AND kind = 'rate_limit' AND created_at < ?`, params: [contact.id, since(nowMs, MAX_WINDOW_SECONDS)] };
  yield { sql: `INSERT INTO protection_signals (id, contact_id, kind, created_at) VALUES (?, ?, 'rate_limit', ?)`, params: [newObjectId(), contact.id, isoAt(nowMs)] };
  return (yield* protect(check, contact, null, 'rate_limit', flag, undefined, { storedChecked: true }, true)) as Protected | null;
}
