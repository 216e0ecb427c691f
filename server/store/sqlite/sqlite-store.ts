import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { newObjectId } from '../ids.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type { AgentStorePart, HardeningStorePart, IdentityStorePart } from '../store-parts.js';
import type {
  AppendMessageInput, AppendResult, ContactInput, ContactPatch, ContactQuery, ContactRecord,
  ConversationPatch, ConversationQuery, ConversationRecord, MessageRecord, Page, SetBlockedInput, SetBlockedResult, Store,
} from '../store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { isBlockedRow, toBlockEvent, toContact, toConversation, toMessage } from './rows.js';
import { sqliteAgentStore } from './agent-store.js';
import { sqliteHardeningStore } from './hardening-store.js';
import { sqliteIdentityStore } from './identity-store.js';

type Row = Record<string, any>;

const CONTACT_COLUMNS: Record<string, string> = {
  type: 'type', userId: 'user_id', email: 'email', name: 'name', profilePicture: 'profile_picture',
  customFields: 'custom_fields', companies: 'companies', locale: 'locale', lastActivity: 'last_activity',
  emailVerified: 'email_verified', tokenEpoch: 'token_epoch',
};

const encodeValue = (key: string, value: unknown) =>
  key === 'customFields' || key === 'companies' ? JSON.stringify(value ?? (key === 'companies' ? [] : {}))
    : typeof value === 'boolean' ? Number(value) : value ?? null;

/**
 * The embedded default store: one SQLite file in WAL mode. better-sqlite3 is synchronous,
 * so each transaction runs to completion before any other JS runs; `BEGIN IMMEDIATE`
 * also serialises writers from other processes sharing the file.
 */
export interface SqliteStore extends AgentStorePart, HardeningStorePart, IdentityStorePart {}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly stmt: ReturnType<SqliteStore['prepare']>;
  private readonly appendBatchTx: Database.Transaction<(inputs: AppendMessageInput[]) => AppendResult[]>;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Keep hot pages in memory; checkpoints run less often in bigger steps.
    this.db.pragma('cache_size = -32768');
    this.db.pragma('temp_store = memory');
    this.db.pragma('wal_autocheckpoint = 4000');
    this.migrateSync();
    this.stmt = this.prepare();
    this.appendBatchTx = this.db.transaction((inputs: AppendMessageInput[]) => this.appendBatch(inputs));
    // Accounts, inbox, wider blocks, webhooks and audit log live in their own modules.
    Object.assign(this, sqliteAgentStore(this.db), sqliteHardeningStore(this.db), sqliteIdentityStore(this.db));
  }

  private migrateSync() {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = new Set(this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    SQLITE_MIGRATIONS.forEach((sql, i) => {
      const version = i + 1;
      if (applied.has(version)) return;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      }).immediate();
    });
  }

  private prepare() {
    const db = this.db;
    return {
      contactById: db.prepare('SELECT rowid AS seq, * FROM contacts WHERE id = ?'),
      contactByUserId: db.prepare('SELECT * FROM contacts WHERE user_id = ?'),
      // Verified emails first: an upsert never adopts a contact by an email a visitor typed.
      contactByEmail: db.prepare('SELECT * FROM contacts WHERE email = ? AND merged_into IS NULL ORDER BY email_verified DESC, rowid LIMIT 1'),
      insertContact: db.prepare(`INSERT INTO contacts (id, type, user_id, email, name, profile_picture, custom_fields, companies, locale, email_verified, created_at)
        VALUES (@id, @type, @userId, @email, @name, @profilePicture, @customFields, @companies, @locale, @emailVerified, @createdAt)`),
      deleteContact: db.prepare('DELETE FROM contacts WHERE id = ?'),
      setBlocked: db.prepare('UPDATE contacts SET blocked = ?, blocked_at = ?, blocked_until = ? WHERE id = ?'),
      setBlockedUntil: db.prepare('UPDATE contacts SET blocked_until = ? WHERE id = ?'),
      insertBlockEvent: db.prepare(`INSERT INTO block_events (id, contact_id, action, actor_type, actor_id, reason, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      blockEvents: db.prepare('SELECT * FROM block_events WHERE contact_id = ? ORDER BY created_at, rowid'),
      conversationById: db.prepare('SELECT * FROM conversations WHERE id = ?'),
      latestOpenConversation: db.prepare(`SELECT * FROM conversations WHERE contact_id = ? AND state != 'closed' ORDER BY id DESC LIMIT 1`),
      insertConversation: db.prepare(`INSERT INTO conversations (contact_id, state, created_at, updated_at, last_activity_at)
        VALUES (?, 'open', ?, ?, ?) RETURNING *`),
      touchConversation: db.prepare('UPDATE conversations SET last_activity_at = ?, updated_at = ?, state = ? WHERE id = ?'),
      touchContact: db.prepare('UPDATE contacts SET last_activity = ? WHERE id = ?'),
      deleteConversation: db.prepare('DELETE FROM conversations WHERE id = ?'),
      messageByClientId: db.prepare('SELECT * FROM messages WHERE author_id = ? AND client_id = ?'),
      insertMessageOrIgnore: db.prepare(`INSERT OR IGNORE INTO messages (id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, created_at)
        VALUES (@id, @conversationId, @contactId, @clientId, @authorType, @authorId, @authorName, @body, @messageType, @createdAt)`),
      messagesOfConversation: db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq'),
      repliesOfConversation: db.prepare(`SELECT * FROM messages WHERE conversation_id = ? AND message_type != 'note' ORDER BY seq`),
      messageSeq: db.prepare('SELECT seq, contact_id FROM messages WHERE id = ?'),
      contactMessagesSince: db.prepare(`SELECT * FROM messages WHERE contact_id = ? AND seq > ? AND message_type != 'note' ORDER BY seq LIMIT ?`),
      contactMessagesLatest: db.prepare(`SELECT * FROM (SELECT * FROM messages WHERE contact_id = ? AND message_type != 'note' ORDER BY seq DESC LIMIT ?) ORDER BY seq`),
    };
  }

  async migrate(): Promise<void> {
    this.migrateSync();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async createContact(input: ContactInput): Promise<ContactRecord> {
    const id = newObjectId();
    this.stmt.insertContact.run({
      id,
      type: input.type,
      userId: input.userId ?? null,
      email: input.email ?? null,
      name: input.name ?? null,
      profilePicture: input.profilePicture ?? null,
      customFields: JSON.stringify(input.customFields ?? {}),
      companies: JSON.stringify(input.companies ?? []),
      locale: input.locale ?? null,
      emailVerified: input.emailVerified === false ? 0 : 1,
      createdAt: new Date().toISOString(),
    });
    return toContact(this.stmt.contactById.get(id) as Row);
  }

  async getContact(id: string) {
    const r = this.stmt.contactById.get(id) as Row | undefined;
    return r ? toContact(r) : null;
  }

  async findContactByUserId(userId: string) {
    const r = this.stmt.contactByUserId.get(userId) as Row | undefined;
    return r ? toContact(r) : null;
  }

  async findContactByEmail(email: string) {
    const r = this.stmt.contactByEmail.get(email) as Row | undefined;
    return r ? toContact(r) : null;
  }

  async updateContact(id: string, patch: ContactPatch) {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      const column = CONTACT_COLUMNS[key];
      if (!column || value === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(encodeValue(key, value));
    }
    if (sets.length) this.db.prepare(`UPDATE contacts SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    return this.getContact(id);
  }

  async deleteContact(id: string) {
    return this.stmt.deleteContact.run(id).changes > 0;
  }

  async listContacts(q: ContactQuery): Promise<Page<ContactRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const typeClause = q.type === 'all' ? '' : 'AND type = @type';
    const rows = this.db
      .prepare(`SELECT rowid AS seq, * FROM contacts WHERE rowid < @before AND merged_into IS NULL ${typeClause} ORDER BY rowid DESC LIMIT @limit`)
      .all({ before, type: q.type, limit: q.limit + 1 }) as Row[];
    return pageOf(rows, q.limit, toContact, (r) => r.seq);
  }

  async setBlocked(input: SetBlockedInput): Promise<SetBlockedResult | null> {
    return this.db.transaction((): SetBlockedResult | null => {
      const row = this.stmt.contactById.get(input.contactId) as Row | undefined;
      if (!row) return null;
      const now = new Date().toISOString();
      if (isBlockedRow(row) === input.blocked) {
        // Blocking a blocked contact again may change (or clear) its expiry; nothing is recorded.
        if (input.blocked && input.blockedUntil !== undefined && input.blockedUntil !== row.blocked_until) {
          this.stmt.setBlockedUntil.run(input.blockedUntil, input.contactId);
          return { contact: toContact(this.stmt.contactById.get(input.contactId) as Row), changed: false };
        }
        return { contact: toContact(row), changed: false };
      }
      this.stmt.setBlocked.run(input.blocked ? 1 : 0, input.blocked ? now : null, input.blocked ? input.blockedUntil ?? null : null, input.contactId);
      this.stmt.insertBlockEvent.run(newObjectId(), input.contactId, input.blocked ? 'block' : 'unblock',
        input.actorType, input.actorId ?? null, input.reason ?? null, now);
      return { contact: toContact(this.stmt.contactById.get(input.contactId) as Row), changed: true };
    }).immediate();
  }

  async listBlockEvents(contactId: string) {
    return (this.stmt.blockEvents.all(contactId) as Row[]).map(toBlockEvent);
  }

  async getConversation(id: string) {
    const r = this.stmt.conversationById.get(id) as Row | undefined;
    return r ? toConversation(r) : null;
  }

  async listConversations(q: ConversationQuery): Promise<Page<ConversationRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const contactClause = q.contactId ? 'AND contact_id = @contactId' : '';
    const rows = this.db
      .prepare(`SELECT * FROM conversations WHERE id < @before ${contactClause} ORDER BY id DESC LIMIT @limit`)
      .all({ before, contactId: q.contactId, limit: q.limit + 1 }) as Row[];
    return pageOf(rows, q.limit, toConversation, (r) => r.id);
  }

  async updateConversation(id: string, patch: ConversationPatch) {
    const sets: string[] = [];
    const values: unknown[] = [];
    const columns: Record<string, string> = { state: 'state', title: 'title', adminAssigneeId: 'admin_assignee_id' };
    for (const [key, value] of Object.entries(patch)) {
      if (!columns[key] || value === undefined) continue;
      sets.push(`${columns[key]} = ?`);
      values.push(value);
    }
    if (!this.stmt.conversationById.get(id)) return null;
    if (sets.length) {
      this.db.prepare(`UPDATE conversations SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...values, new Date().toISOString(), id);
    }
    return this.getConversation(id);
  }

  async deleteConversation(id: string) {
    return this.stmt.deleteConversation.run(id).changes > 0;
  }

  /**
   * Group commit: the appends that arrive in one turn of the event loop share one
   * `BEGIN IMMEDIATE` transaction, so one WAL commit instead of one per message. Each
   * append still runs its block check, duplicate check and insert inside that transaction
   * (a block committed before it is seen; none can commit during it, writers being
   * serialised), and every caller is answered only once the transaction has committed. If
   * anything throws, the whole batch rolls back and each append is retried alone.
   */
  appendMessage(input: AppendMessageInput): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ input, resolve, reject });
      if (this.pendingAppends.length === 1) setImmediate(() => this.flushAppends());
    });
  }

  private pendingAppends: { input: AppendMessageInput; resolve: (r: AppendResult) => void; reject: (err: unknown) => void }[] = [];

  private flushAppends() {
    const batch = this.pendingAppends;
    this.pendingAppends = [];
    if (batch.length > 1) {
      let results: AppendResult[] | null = null;
      try {
        results = this.appendBatchTx.immediate(batch.map((p) => p.input));
      } catch {
        // Rolled back: nothing of this batch was committed. Each append goes alone below.
      }
      if (results) return batch.forEach((p, i) => p.resolve(results[i]));
    }
    for (const { input, resolve, reject } of batch) {
      let result: AppendResult;
      try {
        result = this.appendBatchTx.immediate([input])[0];
      } catch (err) {
        reject(err);
        continue;
      }
      resolve(result);
    }
  }

  /** Appends inside one transaction; rows read or written are kept in `batch` for the next append. */
  private appendBatch(inputs: AppendMessageInput[]): AppendResult[] {
    const batch = new AppendBatch(this.stmt);
    const results = inputs.map((input) => this.appendOne(input, batch));
    batch.writeActivity();
    return results;
  }

  private appendOne(input: AppendMessageInput, batch: AppendBatch): AppendResult {
    const byContact = input.authorType !== 'admin';
    const duplicate = (): AppendResult | null => {
      if (!input.clientId) return null;
      const dup = this.stmt.messageByClientId.get(input.authorId, input.clientId) as Row | undefined;
      return dup ? { status: 'duplicate', message: toMessage(dup), conversation: toConversation(batch.conversation(String(dup.conversation_id))!) } : null;
    };
    const now = input.createdAt ?? new Date().toISOString();
    let owner: Row | null = null;
    if (byContact) {
      owner = batch.contact(input.authorId);
      if (!owner) return { status: 'contact_not_found' };
      // A resend of a message stored before the block still answers with that message.
      if (isBlockedRow(owner)) return duplicate() ?? { status: 'blocked' };
    }
    let conversation: Row | null;
    let createdConversation = false;
    if (input.conversationId) {
      conversation = batch.conversation(input.conversationId);
      if (!conversation || (byContact && conversation.contact_id !== input.authorId)) return duplicate() ?? { status: 'conversation_not_found' };
    } else {
      const ownerId = byContact ? input.authorId : input.contactId;
      owner ??= ownerId ? batch.contact(ownerId) : null;
      if (!owner) return { status: 'contact_not_found' };
      conversation = input.newConversation ? null : batch.openConversation(owner.id);
      if (!conversation) {
        const dup = duplicate();
        if (dup) return dup;
        conversation = batch.createConversation(owner.id, now);
        createdConversation = true;
      }
    }
    const message = {
      id: newObjectId(),
      conversationId: conversation.id,
      contactId: conversation.contact_id,
      clientId: input.clientId ?? null,
      authorType: input.authorType,
      authorId: input.authorId,
      authorName: input.authorName ?? null,
      body: input.body,
      messageType: input.messageType,
      createdAt: now,
    };
    // OR IGNORE: a clientId already used by this author stores nothing; answer with the first.
    if (this.stmt.insertMessageOrIgnore.run(message).changes === 0) return duplicate()!;
    batch.touch(conversation, now, byContact);
    const contact = batch.contactRecord(conversation.contact_id);
    return {
      status: 'stored',
      message: { ...message, conversationId: String(message.conversationId) } as MessageRecord,
      conversation: toConversation(conversation),
      createdConversation,
      ...(contact ? { contact } : {}),
    };
  }

  async listMessages(conversationId: string, opts: { includeNotes?: boolean } = {}) {
    const stmt = opts.includeNotes === false ? this.stmt.repliesOfConversation : this.stmt.messagesOfConversation;
    return (stmt.all(conversationId) as Row[]).map(toMessage);
  }

  async listContactMessages(contactId: string, opts: { since?: string | null; limit: number }) {
    let rows: Row[];
    if (opts.since) {
      const anchor = this.stmt.messageSeq.get(opts.since) as Row | undefined;
      const seq = anchor && anchor.contact_id === contactId ? anchor.seq : 0;
      rows = this.stmt.contactMessagesSince.all(contactId, seq, opts.limit + 1) as Row[];
      const hasMore = rows.length > opts.limit;
      return { messages: rows.slice(0, opts.limit).map(toMessage), hasMore };
    }
    rows = this.stmt.contactMessagesLatest.all(contactId, opts.limit + 1) as Row[];
    const hasMore = rows.length > opts.limit;
    return { messages: (hasMore ? rows.slice(1) : rows).map(toMessage), hasMore };
  }
}

type Statements = ReturnType<SqliteStore['prepare']>;

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

  constructor(private readonly stmt: Statements) {}

  contact(id: string): Row | null {
    if (!this.contacts.has(id)) this.contacts.set(id, (this.stmt.contactById.get(id) as Row | undefined) ?? null);
    return this.contacts.get(id)!;
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

  conversation(id: string): Row | null {
    if (!this.conversations.has(id)) this.conversations.set(id, (this.stmt.conversationById.get(id) as Row | undefined) ?? null);
    return this.conversations.get(id)!;
  }

  /** The contact's latest conversation that is not closed. */
  openConversation(contactId: string): Row | null {
    if (!this.open.has(contactId)) {
      const row = (this.stmt.latestOpenConversation.get(contactId) as Row | undefined) ?? null;
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
