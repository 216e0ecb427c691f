import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { newObjectId } from '../ids.js';
import { IsoClock, isoAt } from '../iso-clock.js';
import { messageEvent, outboxStmt } from '../outbox.js';
import { blockFacts, leadTimesOf, protectKnown, protectMessage, runSync, stateRead, textWrite, type Known, type LeadTimes, type MessageVerdict, type Stmt } from '../protection-sql.js';
import type { Appender } from '../repositories/conversations.js';
import { isBlockedRow, toContact, toConversation, toMessage } from '../rows.js';
import type { StoreObserver } from '../observer.js';
import type { Database } from '../schema.js';
import type { AppendMessageInput, AppendResult, ContactRecord, MessageRecord, ProtectionCheck } from '../store.js';
import { CONTACT_COLUMNS, contactReader, contactRow, conversationReader } from './append-rows.js';
import { preparedExec } from './steps.js';

type Row = Record<string, any>;

/**
 * The SQLite message append, written against better-sqlite3 directly rather than Kysely
 * because it is the hot path: prepared statements and one synchronous transaction per
 * batch of appends cost a fraction of an async query per statement (bench/RESULTS.md,
 * store-append). Everything else in the store is the shared Kysely code.
 */
export class SqliteAppender implements Appender {
  // Prepared on first use: the tables exist once the store has migrated.
  private statements: Statements | null = null;
  private readonly appendBatchTx: BetterSqlite3.Transaction<(inputs: AppendMessageInput[]) => AppendResult[]>;
  private readonly clock = new IsoClock();

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly kysely: Kysely<Database>,
    /** Told of each append transaction that answered: its size and duration (metrics). */
    private readonly onBatch?: StoreObserver['onAppendBatch'],
  ) {
    this.appendBatchTx = db.transaction((inputs: AppendMessageInput[]) => this.appendBatch(inputs));
    this.exec = preparedExec(db);
  }

  /**
   * Group commit: the appends that arrive in one turn of the event loop share one
   * `BEGIN IMMEDIATE` transaction, so one WAL commit instead of one per message. Each
   * append still runs its block check, duplicate check and insert inside that transaction
   * (a block committed before it is seen; none can commit during it, writers being
   * serialised), and every caller is answered only once the transaction has committed. If
   * anything throws, the whole batch rolls back and each append is retried alone.
   */
  append(input: AppendMessageInput): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ input, resolve, reject });
      if (this.pendingAppends.length === 1) setImmediate(() => void this.flushAppends());
    });
  }

  private pendingAppends: PendingAppend[] = [];

  private async flushAppends() {
    const batch = this.pendingAppends;
    this.pendingAppends = [];
    // Kysely's connection mutex: no Kysely transaction is open on the handle while the batch
    // runs (better-sqlite3 would nest ours into it as a savepoint).
    await this.kysely.connection().execute(async () => this.flush(batch)).catch((err) => batch.forEach((p) => p.reject(err)));
  }

  private get stmt(): Statements {
    return (this.statements ??= prepare(this.db));
  }

  // Protection's statements, prepared once each (their SQL is a fixed set).
  private readonly exec: (s: Stmt) => Row[];

  /**
   * The rules, run on the author's row inside this transaction; a block updates the batch's
   * copy. What the rules read (the contact's state row, leads per address) is kept for the
   * rest of the transaction, and the latest text is written once per contact at its end:
   * writers are serialised, so nothing else changes them meanwhile. The text as it was is
   * kept in `batch`, to put back should the insert find the message stored already (a resend).
   */
  private protect(input: AppendMessageInput, author: Row, conversationId: string | null, batch: AppendBatch): MessageVerdict {
    const state = batch.protectionState(author.id, this.exec);
    // Only a message with an idempotency key can turn out to be a resend.
    batch.keepText(input.clientId ? state : null);
    batch.known.state = state;
    // Most messages: no statement to run and nothing matched, decided without the generators.
    if (protectKnown(input.protection!, author, input.body, input.clientId ?? null, batch.known) === null) return null;
    const verdict = runSync(protectMessage(input.protection!, author, {
      conversationId, clientId: input.clientId ?? null, authorType: input.authorType, authorId: input.authorId, authorName: input.authorName ?? null, body: input.body,
    }, sqliteFlag, batch.known), this.exec);
    if (verdict?.status === 'blocked_by_rule') batch.replaceContact(verdict.row);
    return verdict;
  }

  private flush(batch: PendingAppend[]) {
    if (batch.length > 1) {
      let results: AppendResult[] | null = null;
      try {
        results = this.commit(batch.map((p) => p.input));
      } catch {
        // Rolled back: nothing of this batch was committed. Each append goes alone below.
      }
      if (results) return batch.forEach((p, i) => p.resolve(results[i]));
    }
    for (const { input, resolve, reject } of batch) {
      let result: AppendResult;
      try {
        result = this.commit([input])[0];
      } catch (err) {
        reject(err);
        continue;
      }
      resolve(result);
    }
  }

  /** One `BEGIN IMMEDIATE` … `COMMIT` of these appends, measured once committed. */
  private commit(inputs: AppendMessageInput[]): AppendResult[] {
    const started = this.onBatch ? performance.now() : 0;
    const results = this.appendBatchTx.immediate(inputs);
    this.onBatch?.(inputs.length, performance.now() - started);
    return results;
  }

  /** Appends inside one transaction; rows read or written are kept in `batch` for the next append. */
  private appendBatch(inputs: AppendMessageInput[]): AppendResult[] {
    const batch = new AppendBatch(this.stmt, this.db);
    const results = inputs.map((input) => this.appendOne(input, batch));
    batch.writeActivity();
    for (const id of batch.textLater) this.exec(textWrite(id, batch.protectionState(id, this.exec)));
    return results;
  }

  // Plain methods rather than closures in `appendOne`: it runs once per message.
  private duplicate(input: AppendMessageInput, batch: AppendBatch): AppendResult | null {
    if (!input.clientId) return null;
    const dup = this.stmt.messageByClientId.get(input.authorId, input.clientId) as Row | undefined;
    return dup ? { status: 'duplicate', message: toMessage(dup), conversation: toConversation(batch.conversation(String(dup.conversation_id))!) } : null;
  }

  // Rules run once the message is known to be new and its conversation valid, before a
  // conversation is created for it: a held message leaves no trace in the inbox.
  private ruled(input: AppendMessageInput, owner: Row, conversationId: string | null, batch: AppendBatch): AppendResult | null {
    const verdict = this.protect(input, owner, conversationId, batch);
    if (!verdict) return null;
    batch.keepText(null);
    if (verdict.status === 'stored_before') return this.duplicate(input, batch);
    return verdict.status === 'held' ? verdict : { status: verdict.status, contact: verdict.contact, event: verdict.event, firing: verdict.firing };
  }

  private appendOne(input: AppendMessageInput, batch: AppendBatch): AppendResult {
    batch.keepText(null);
    const byContact = input.authorType !== 'admin';
    const now = input.createdAt ?? this.clock.now();
    let owner: Row | null = null;
    if (byContact) {
      owner = batch.contact(input.authorId, input.protection);
      if (!owner) return { status: 'contact_not_found' };
      // A resend of a message stored before the block still answers with that message.
      if (isBlockedRow(owner)) return this.duplicate(input, batch) ?? { status: 'blocked' };
    }
    const rules = !!input.protection && byContact;
    let conversation: Row | null;
    let createdConversation = false;
    if (input.conversationId) {
      conversation = batch.conversation(input.conversationId);
      if (!conversation || (byContact && conversation.contact_id !== input.authorId)) return this.duplicate(input, batch) ?? { status: 'conversation_not_found' };
      const ruledResult = rules ? this.ruled(input, owner!, String(conversation.id), batch) : null;
      if (ruledResult) return ruledResult;
    } else {
      const ownerId = byContact ? input.authorId : input.contactId;
      owner ??= ownerId ? batch.contact(ownerId) : null;
      if (!owner) return { status: 'contact_not_found' };
      const ruledResult = rules ? this.ruled(input, owner, null, batch) : null;
      if (ruledResult) return ruledResult;
      conversation = input.newConversation ? null : batch.openConversation(owner.id);
      if (!conversation) {
        const dup = this.duplicate(input, batch);
        if (dup) return dup;
        conversation = batch.createConversation(owner.id, now);
        createdConversation = true;
      }
    }
    const message = {
      id: newObjectId(),
      conversationId: String(conversation.id),
      contactId: conversation.contact_id,
      clientId: input.clientId ?? null,
      authorType: input.authorType,
      authorId: input.authorId,
      authorName: input.authorName ?? null,
      body: input.body,
      messageType: input.messageType,
      createdAt: now,
      redactedAt: null,
    };
    // OR IGNORE: a clientId already used by this author stores nothing; answer with the first.
    const inserted = this.stmt.insertMessageOrIgnore.run(message.id, conversation.id, message.contactId, message.clientId, message.authorType,
      message.authorId, message.authorName, message.body, message.messageType, now);
    if (inserted.changes === 0) {
      // A resend the rules let through: it is not a copy in a row either.
      batch.restoreText();
      return this.duplicate(input, batch)!;
    }
    batch.touch(conversation, now, byContact);
    const contact = batch.contactRecord(conversation.contact_id);
    const stored: Extract<AppendResult, { status: 'stored' }> = { status: 'stored', message: message as MessageRecord, conversation: toConversation(conversation), createdConversation };
    if (contact) stored.contact = contact;
    if (input.recordEvent) this.exec(outboxStmt(messageEvent(stored), new Date().toISOString()));
    return stored;
  }
}

const sqliteFlag = (b: boolean) => (b ? 1 : 0);

// As protection-sql.ts reads them: no condition counts past 100.
const RECENT_LEADS = 100;

/*
 * With rules enabled, what they read of a contact comes with its row, once per transaction:
 * its protection state, its blocks (when a rule looks at them), and the times of the leads of
 * its address and of its device since the given starts (when a rule counts them). SQLite only
 * (group_concat); the statements of protection-sql.ts stay the shared fallback. One statement
 * per combination of what the rules need, so none computes a subquery it does not use;
 * positional parameters and rows as arrays, as the plain contact read (append-rows.ts):
 * named parameters and row objects cost better-sqlite3 more than the read itself. CROSS JOIN:
 * SQLite's planner would otherwise walk every lead for a device rather than the device's index.
 */
const RULES_BLOCKS = 1;
const RULES_LEADS_IP = 2;
const RULES_LEADS_DEVICE = 4;

function contactForRulesSql(variant: number): string {
  const columns = [...CONTACT_COLUMNS.map((c) => `c.${c}`), 's.contact_id', 's.text_hash', 's.text_times', 's.held_count'];
  if (variant & RULES_BLOCKS) columns.push(blockFacts('c.id'));
  if (variant & RULES_LEADS_IP) {
    columns.push(`(SELECT group_concat(created_at) FROM (SELECT l.created_at FROM contacts l
      WHERE l.last_ip = c.last_ip AND l.type = 'lead' AND l.created_at >= ? ORDER BY l.created_at DESC LIMIT ${RECENT_LEADS}))`);
  }
  if (variant & RULES_LEADS_DEVICE) {
    columns.push(`(SELECT group_concat(created_at) FROM (SELECT l.created_at FROM contact_devices d CROSS JOIN contacts l ON l.id = d.contact_id
      WHERE d.device_id = c.last_device_id AND l.type = 'lead' AND l.created_at >= ? ORDER BY l.created_at DESC LIMIT ${RECENT_LEADS}))`);
  }
  return `SELECT ${columns.join(', ')} FROM contacts c LEFT JOIN protection_contact_state s ON s.contact_id = c.id WHERE c.id = ?`;
}

type PendingAppend = { input: AppendMessageInput; resolve: (r: AppendResult) => void; reject: (err: unknown) => void };
type Statements = ReturnType<typeof prepare>;

function prepare(db: BetterSqlite3.Database) {
  return {
    contactById: contactReader(db, 'WHERE id = ?'),
    /** By variant (RULES_* bits), prepared on first use. */
    contactForRules: [] as BetterSqlite3.Statement[],
    conversationById: conversationReader(db, 'WHERE id = ?'),
    latestOpenConversation: conversationReader(db, `WHERE contact_id = ? AND state != 'closed' ORDER BY id DESC LIMIT 1`),
    insertConversation: db.prepare(`INSERT INTO conversations (contact_id, state, created_at, updated_at, last_activity_at)
      VALUES (?, 'open', ?, ?, ?) RETURNING *`),
    touchConversation: db.prepare('UPDATE conversations SET last_activity_at = ?, updated_at = ?, state = ? WHERE id = ?'),
    touchContact: db.prepare('UPDATE contacts SET last_activity = ? WHERE id = ?'),
    messageByClientId: db.prepare('SELECT * FROM messages WHERE author_id = ? AND client_id = ?'),
    // Positional parameters: better-sqlite3 binds named ones by looking each name up on the
    // object, which cost more than the insert itself.
    insertMessageOrIgnore: db.prepare(`INSERT OR IGNORE INTO messages (id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
  };
}

/**
 * What one group-commit transaction has read and changed: contact and conversation rows
 * are read once per batch (nothing else can write while it runs), and last-activity
 * timestamps are written once per row at the end instead of once per message.
 */
class AppendBatch {
  private readonly contacts = new Map<string, Row | null>();
  private readonly records = new Map<string, ContactRecord>();
  private readonly conversations = new Map<string, Row | null>();
  private readonly open = new Map<string, Row | null>();
  private readonly touchedConversations = new Set<Row>();
  private readonly touchedContacts = new Map<string, string>();

  /** Protection: each contact's state row, reads that hold for the transaction, and whose latest text to write at its end. */
  private readonly states = new Map<string, Row>();
  readonly leads = { ip: new Map() as LeadTimes, device: new Map() as LeadTimes };
  readonly textLater = new Set<string>();
  /** What the rules are given of this transaction (the state row: the message's author's). */
  readonly known: Known = { state: undefined, leads: this.leads, textLater: this.textLater, storedChecked: false };
  /** The latest text of a state row before the message being appended, to put back should it turn out to be a resend. */
  private undo: { state: Row | null; hash: unknown; times: unknown } = { state: null, hash: null, times: null };

  keepText(state: Row | null) {
    this.undo.state = state;
    if (state) {
      this.undo.hash = state.text_hash;
      this.undo.times = state.text_times;
    }
  }

  restoreText() {
    const { state, hash, times } = this.undo;
    if (!state) return;
    state.text_hash = hash;
    state.text_times = times;
  }

  constructor(private readonly stmt: Statements, private readonly db: BetterSqlite3.Database) {}

  protectionState(contactId: string, exec: (s: Stmt) => Row[]): Row {
    let state = this.states.get(contactId);
    if (!state) this.states.set(contactId, (state = exec(stateRead(contactId))[0]));
    return state;
  }

  /** The contact's row, read once per batch; with rules, what they read of it comes along. */
  contact(id: string, rules?: ProtectionCheck): Row | null {
    if (!this.contacts.has(id)) this.contacts.set(id, rules ? this.contactForRules(id, rules) : (this.stmt.contactById(id) ?? null));
    return this.contacts.get(id)!;
  }

  private contactForRules(id: string, rules: ProtectionCheck): Row | null {
    const nowMs = Date.now();
    const { blocks, leadsByIpSeconds, leadsByDeviceSeconds } = rules.most;
    const variant = (blocks ? RULES_BLOCKS : 0) | (leadsByIpSeconds ? RULES_LEADS_IP : 0) | (leadsByDeviceSeconds ? RULES_LEADS_DEVICE : 0);
    const stmt = (this.stmt.contactForRules[variant] ??= this.db.prepare(contactForRulesSql(variant)).raw(true));
    const ipFrom = nowMs - leadsByIpSeconds * 1000;
    const deviceFrom = nowMs - leadsByDeviceSeconds * 1000;
    const r = (leadsByIpSeconds
      ? leadsByDeviceSeconds ? stmt.get(isoAt(ipFrom), isoAt(deviceFrom), id) : stmt.get(isoAt(ipFrom), id)
      : leadsByDeviceSeconds ? stmt.get(isoAt(deviceFrom), id) : stmt.get(id)) as unknown[] | undefined;
    if (!r) return null;
    const row = contactRow(r);
    let i = CONTACT_COLUMNS.length;
    // Blocks not read (no rule of this check looks at them): undefined, read when one does.
    const state: Row = { state_id: r[i++], text_hash: r[i++], text_times: r[i++], held_count: r[i++], block_count: undefined, unblocked_at: undefined };
    if (blocks) {
      state.block_count = r[i++];
      state.unblocked_at = r[i++];
    }
    this.states.set(id, state);
    const keep = (kept: LeadTimes, key: string | null, fromMs: number, list: unknown) => {
      if (key && !((kept.get(key)?.fromMs ?? Infinity) <= fromMs)) kept.set(key, { fromMs, times: leadTimesOf(list as string | null) });
    };
    if (leadsByIpSeconds) keep(this.leads.ip, row.last_ip, ipFrom, r[i++]);
    if (leadsByDeviceSeconds) keep(this.leads.device, row.last_device_id, deviceFrom, r[i++]);
    return row;
  }

  /** The contact as a record, built once per batch (its last activity kept current). */
  contactRecord(id: string): ContactRecord | null {
    let record = this.records.get(id);
    if (!record) {
      const row = this.contact(id);
      if (!row) return null;
      this.records.set(id, (record = toContact(row)));
    }
    return { ...record };
  }

  /** The contact's row after this transaction changed it (a rule blocked it). */
  replaceContact(row: Row) {
    const lastActivity = this.contacts.get(row.id)?.last_activity;
    this.contacts.set(row.id, { ...row, last_activity: lastActivity ?? row.last_activity });
    this.records.delete(row.id);
  }

  conversation(id: string): Row | null {
    if (!this.conversations.has(id)) this.conversations.set(id, this.stmt.conversationById(id) ?? null);
    return this.conversations.get(id)!;
  }

  /** The contact's latest conversation that is not closed. */
  openConversation(contactId: string): Row | null {
    if (!this.open.has(contactId)) {
      const row = this.stmt.latestOpenConversation(contactId) ?? null;
      this.open.set(contactId, row && (this.conversations.get(String(row.id)) ?? row));
      if (row && !this.conversations.has(String(row.id))) this.conversations.set(String(row.id), row);
    }
    return this.open.get(contactId)!;
  }

  createConversation(contactId: string, now: string): Row {
    const row = this.stmt.insertConversation.get(contactId, now, now, now) as Row;
    this.conversations.set(String(row.id), row);
    this.open.set(contactId, row);
    return row;
  }

  /** A message landed: activity times move on, and a contact writing reopens a closed conversation. */
  touch(conversation: Row, now: string, byContact: boolean) {
    conversation.last_activity_at = now;
    conversation.updated_at = now;
    if (byContact && conversation.state === 'closed') {
      conversation.state = 'open';
      const open = this.open.get(conversation.contact_id);
      if (this.open.has(conversation.contact_id) && (!open || open.id < conversation.id)) this.open.set(conversation.contact_id, conversation);
    }
    this.touchedConversations.add(conversation);
    if (byContact) {
      this.touchedContacts.set(conversation.contact_id, now);
      const contact = this.contacts.get(conversation.contact_id);
      if (contact) contact.last_activity = now;
      const record = this.records.get(conversation.contact_id);
      if (record) record.lastActivity = now;
    }
  }

  writeActivity() {
    for (const c of this.touchedConversations) this.stmt.touchConversation.run(c.last_activity_at, c.updated_at, c.state, c.id);
    for (const [id, at] of this.touchedContacts) this.stmt.touchContact.run(at, id);
  }
}
