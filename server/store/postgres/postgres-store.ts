import pg from 'pg';
import { newObjectId } from '../ids.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type { AgentStorePart, HardeningStorePart, IdentityStorePart } from '../store-parts.js';
import type {
  AppendMessageInput, AppendResult, ContactInput, ContactPatch, ContactQuery, ContactRecord,
  ConversationPatch, ConversationQuery, ConversationRecord, Page, SetBlockedInput, SetBlockedResult, Store,
} from '../store.js';
import { pgAgentStore } from './agent-store.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { isBlockedRow, shortId, toBlockEvent, toContact, toConversation, toMessage } from './rows.js';
import { pgHardeningStore } from './hardening-store.js';
import { pgIdentityStore } from './identity-store.js';

type Row = Record<string, any>;
type Client = pg.PoolClient;

export interface PgStoreOptions {
  /** `postgres://user@host:port/db` */
  connectionString: string;
  /** Schema for all tables (created by migrate); default: the server's search_path (`public`). */
  schema?: string;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** Errors of idle pooled connections (the pool replaces them); default: ignored. */
  onError?: (err: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// One key for every Parley schema: migrations are rare, and a single key cannot be split
// by a search_path that differs between processes.
const MIGRATION_LOCK = 'parley.store.migrate';

const CONTACT_COLUMNS: Record<string, string> = {
  type: 'type', userId: 'user_id', email: 'email', name: 'name', profilePicture: 'profile_picture',
  customFields: 'custom_fields', companies: 'companies', locale: 'locale', lastActivity: 'last_activity',
  emailVerified: 'email_verified', tokenEpoch: 'token_epoch',
};

// JSON goes in as text: pg would turn a JS array into a PostgreSQL array literal.
const encodeValue = (key: string, value: unknown) =>
  key === 'customFields' || key === 'companies' ? JSON.stringify(value ?? (key === 'companies' ? [] : {})) : value ?? null;

/** Named statements: parsed and planned once per pooled connection. */
const Q = {
  contactById: { name: 'parley_contact_by_id', text: 'SELECT * FROM contacts WHERE id = $1' },
  // The block guarantee: appendMessage and setBlocked both take this row lock first, so a
  // block and a send by that contact are serialised, across every process on the database.
  lockContact: { name: 'parley_lock_contact', text: 'SELECT * FROM contacts WHERE id = $1 FOR UPDATE' },
  // A batch locks all its authors in one statement, in id order, so batches cannot deadlock.
  lockContacts: { name: 'parley_lock_contacts', text: 'SELECT * FROM contacts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE' },
  setBlocked: { name: 'parley_set_blocked', text: 'UPDATE contacts SET blocked = $1, blocked_at = $2, blocked_until = $3 WHERE id = $4 RETURNING *' },
  setBlockedUntil: { name: 'parley_set_blocked_until', text: 'UPDATE contacts SET blocked_until = $1 WHERE id = $2 RETURNING *' },
  insertBlockEvent: {
    name: 'parley_insert_block_event',
    text: `INSERT INTO block_events (id, contact_id, action, actor_type, actor_id, reason, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  },
  conversationById: { name: 'parley_conversation_by_id', text: 'SELECT * FROM conversations WHERE id = $1' },
  conversationOwner: { name: 'parley_conversation_owner', text: 'SELECT contact_id FROM conversations WHERE id = $1' },
  // Locked so a concurrent delete makes this send conversation_not_found, not a foreign-key error.
  lockConversation: { name: 'parley_lock_conversation', text: 'SELECT * FROM conversations WHERE id = $1 FOR UPDATE' },
  latestOpenConversation: {
    name: 'parley_latest_open_conversation',
    text: `SELECT * FROM conversations WHERE contact_id = $1 AND state <> 'closed' ORDER BY id DESC LIMIT 1 FOR UPDATE`,
  },
  insertConversation: {
    name: 'parley_insert_conversation',
    text: `INSERT INTO conversations (contact_id, state, created_at, updated_at, last_activity_at)
      VALUES ($1, 'open', $2, $2, $2) RETURNING *`,
  },
  touchConversation: {
    name: 'parley_touch_conversation',
    text: `UPDATE conversations SET last_activity_at = $1, updated_at = $1,
      state = CASE WHEN $2::boolean AND state = 'closed' THEN 'open' ELSE state END WHERE id = $3 RETURNING *`,
  },
  touchContact: { name: 'parley_touch_contact', text: 'UPDATE contacts SET last_activity = $1 WHERE id = $2' },
  messageByClientId: { name: 'parley_message_by_client_id', text: 'SELECT * FROM messages WHERE author_id = $1 AND client_id = $2' },
  insertMessage: {
    name: 'parley_insert_message',
    text: `INSERT INTO messages (id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
      ON CONFLICT ON CONSTRAINT messages_client_id DO NOTHING RETURNING *`,
  },
  messagesOfConversation: { name: 'parley_messages_of_conversation', text: 'SELECT * FROM messages WHERE conversation_id = $1 ORDER BY seq' },
  repliesOfConversation: {
    name: 'parley_replies_of_conversation',
    text: `SELECT * FROM messages WHERE conversation_id = $1 AND message_type <> 'note' ORDER BY seq`,
  },
  messageSeq: { name: 'parley_message_seq', text: 'SELECT seq, contact_id FROM messages WHERE id = $1' },
  contactMessagesSince: {
    name: 'parley_contact_messages_since',
    text: `SELECT * FROM messages WHERE contact_id = $1 AND seq > $2 AND message_type <> 'note' ORDER BY seq LIMIT $3`,
  },
  contactMessagesLatest: {
    name: 'parley_contact_messages_latest',
    text: `SELECT * FROM (SELECT * FROM messages WHERE contact_id = $1 AND message_type <> 'note' ORDER BY seq DESC LIMIT $2) latest ORDER BY seq`,
  },
  // Set-based statements for a batch of visitors' messages: a few round trips per batch.
  messagesByClientIds: {
    name: 'parley_messages_by_client_ids',
    text: `SELECT m.* FROM messages m JOIN unnest($1::text[], $2::text[]) AS k(author_id, client_id)
      ON m.author_id = k.author_id AND m.client_id = k.client_id`,
  },
  conversationsByIds: { name: 'parley_conversations_by_ids', text: 'SELECT * FROM conversations WHERE id = ANY($1::bigint[])' },
  latestOpenConversations: {
    name: 'parley_latest_open_conversations',
    text: `SELECT DISTINCT ON (contact_id) * FROM conversations WHERE contact_id = ANY($1::text[]) AND state <> 'closed'
      ORDER BY contact_id, id DESC`,
  },
  insertConversations: {
    name: 'parley_insert_conversations',
    text: `INSERT INTO conversations (contact_id, state, created_at, updated_at, last_activity_at)
      SELECT contact_id, 'open', $2, $2, $2 FROM unnest($1::text[]) AS t(contact_id) RETURNING *`,
  },
  insertMessages: {
    name: 'parley_insert_messages',
    text: `INSERT INTO messages (id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, created_at)
      SELECT id, conversation_id, contact_id, client_id, author_type, author_id, NULL, body, 'reply', $8
      FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
        WITH ORDINALITY AS t(id, conversation_id, contact_id, client_id, author_type, author_id, body, ord)
      ORDER BY ord
      ON CONFLICT ON CONSTRAINT messages_client_id DO NOTHING RETURNING *`,
  },
  touchConversations: {
    name: 'parley_touch_conversations',
    text: `UPDATE conversations SET last_activity_at = $2, updated_at = $2, state = CASE WHEN state = 'closed' THEN 'open' ELSE state END
      WHERE id = ANY($1::bigint[]) RETURNING *`,
  },
  touchContacts: { name: 'parley_touch_contacts', text: 'UPDATE contacts SET last_activity = $2 WHERE id = ANY($1::text[])' },
} satisfies Record<string, { name: string; text: string }>;

type Query = { name: string; text: string };
type Queryable = pg.Pool | Client;

async function one(db: Queryable, q: Query, values: unknown[]): Promise<Row | undefined> {
  return (await db.query<Row>({ ...q, values })).rows[0];
}

async function all(db: Queryable, q: Query, values: unknown[]): Promise<Row[]> {
  return (await db.query<Row>({ ...q, values })).rows;
}

type PendingAppend = { input: AppendMessageInput; resolve: (r: AppendResult) => void; reject: (err: unknown) => void };
// Batches in flight at once (each holds a pooled connection) and appends per batch.
const MAX_APPEND_BATCHES = 4;
const MAX_APPEND_BATCH = 64;

/** Thrown inside `tx` to roll back and still answer with `value`. */
class Rollback {
  constructor(readonly value: unknown) {}
}

/**
 * The PostgreSQL store, for several Parley processes sharing one database. Everything a
 * rule depends on is decided inside a transaction holding the contact's row lock, never in
 * process memory, so the rules hold whichever process a request lands on.
 */
export interface PgStore extends AgentStorePart, HardeningStorePart, IdentityStorePart {}

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly schema: string | null;
  private closed = false;

  constructor(opts: PgStoreOptions) {
    if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
      throw new Error(`invalid schema name ${JSON.stringify(opts.schema)}: use lowercase letters, digits and _`);
    }
    this.schema = opts.schema ?? null;
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolSize ?? 10,
      application_name: 'parley',
      // Every pooled connection resolves table names in our schema only.
      ...(this.schema ? { options: `-c search_path=${this.schema}` } : {}),
    });
    // Without a listener an idle connection's error (a server restart) would crash the process.
    this.pool.on('error', opts.onError ?? (() => {}));

    // Accounts, inbox, wider blocks, webhooks and audit log live in their own modules.
    Object.assign(this, pgAgentStore(this.pool), pgHardeningStore(this.pool), pgIdentityStore(this.pool));
  }

  private async tx<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch((e: Error) => { broken = e; });
      if (err instanceof Rollback) return err.value as T;
      throw err;
    } finally {
      // A connection that could not roll back is discarded, not handed to the next caller.
      c.release(broken);
    }
  }

  /**
   * Applies pending migrations, each in its own transaction. The transaction-scoped advisory
   * lock makes processes that start together take turns; each re-checks what is applied.
   */
  async migrate(): Promise<void> {
    const lock = (c: Client) => c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK]);
    await this.tx(async (c) => {
      await lock(c);
      if (this.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
    });
    const applied = new Set((await this.pool.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const [i, sql] of POSTGRES_MIGRATIONS.entries()) {
      const version = i + 1;
      if (applied.has(version)) continue;
      await this.tx(async (c) => {
        await lock(c);
        if ((await c.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version])).rowCount) return;
        await c.query(sql);
        await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, new Date()]);
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async createContact(input: ContactInput): Promise<ContactRecord> {
    const r = await this.pool.query<Row>(
      `INSERT INTO contacts (id, type, user_id, email, name, profile_picture, custom_fields, companies, locale, email_verified, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        newObjectId(), input.type, input.userId ?? null, input.email ?? null, input.name ?? null, input.profilePicture ?? null,
        JSON.stringify(input.customFields ?? {}), JSON.stringify(input.companies ?? []), input.locale ?? null, input.emailVerified !== false,
        new Date().toISOString(),
      ],
    );
    return toContact(r.rows[0]);
  }

  async getContact(id: string) {
    const r = await one(this.pool, Q.contactById, [id]);
    return r ? toContact(r) : null;
  }

  async findContactByUserId(userId: string) {
    const r = await this.pool.query<Row>('SELECT * FROM contacts WHERE user_id = $1', [userId]);
    return r.rows[0] ? toContact(r.rows[0]) : null;
  }

  async findContactByEmail(email: string) {
    // Verified emails first: an upsert never adopts a contact by an email a visitor typed.
    const r = await this.pool.query<Row>(
      'SELECT * FROM contacts WHERE email = $1 AND merged_into IS NULL ORDER BY email_verified DESC, seq LIMIT 1', [email]);
    return r.rows[0] ? toContact(r.rows[0]) : null;
  }

  async updateContact(id: string, patch: ContactPatch) {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      const column = CONTACT_COLUMNS[key];
      if (!column || value === undefined) continue;
      values.push(encodeValue(key, value));
      sets.push(`${column} = $${values.length}`);
    }
    if (!sets.length) return this.getContact(id);
    values.push(id);
    const r = await this.pool.query<Row>(`UPDATE contacts SET ${sets.join(', ')} WHERE id = $${values.length} RETURNING *`, values);
    return r.rows[0] ? toContact(r.rows[0]) : null;
  }

  async deleteContact(id: string) {
    return ((await this.pool.query('DELETE FROM contacts WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async listContacts(q: ContactQuery): Promise<Page<ContactRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const values: unknown[] = [before, q.limit + 1];
    if (q.type !== 'all') values.push(q.type);
    const typeClause = q.type === 'all' ? '' : 'AND type = $3';
    const r = await this.pool.query<Row>(`SELECT * FROM contacts WHERE seq < $1 AND merged_into IS NULL ${typeClause} ORDER BY seq DESC LIMIT $2`, values);
    return pageOf(r.rows, q.limit, toContact, (row) => row.seq);
  }

  async setBlocked(input: SetBlockedInput): Promise<SetBlockedResult | null> {
    return this.tx(async (c): Promise<SetBlockedResult | null> => {
      // Waits for any send of this contact in flight; sends that start later wait for us
      // and then read the new state.
      const row = await one(c, Q.lockContact, [input.contactId]);
      if (!row) return null;
      if (isBlockedRow(row) === input.blocked) {
        // Blocking a blocked contact again may change (or clear) its expiry; nothing is recorded.
        const current = row.blocked_until ? (row.blocked_until as Date).toISOString() : null;
        if (input.blocked && input.blockedUntil !== undefined && input.blockedUntil !== current) {
          return { contact: toContact((await one(c, Q.setBlockedUntil, [input.blockedUntil, input.contactId]))!), changed: false };
        }
        return { contact: toContact(row), changed: false };
      }
      const now = new Date().toISOString();
      const updated = await one(c, Q.setBlocked, [input.blocked, input.blocked ? now : null, input.blocked ? input.blockedUntil ?? null : null, input.contactId]);
      await c.query({
        ...Q.insertBlockEvent,
        values: [newObjectId(), input.contactId, input.blocked ? 'block' : 'unblock', input.actorType, input.actorId ?? null, input.reason ?? null, now],
      });
      return { contact: toContact(updated!), changed: true };
    });
  }

  async listBlockEvents(contactId: string) {
    const r = await this.pool.query<Row>('SELECT * FROM block_events WHERE contact_id = $1 ORDER BY created_at, seq', [contactId]);
    return r.rows.map(toBlockEvent);
  }

  async getConversation(id: string) {
    const sid = shortId(id);
    const r = sid ? await one(this.pool, Q.conversationById, [sid]) : undefined;
    return r ? toConversation(r) : null;
  }

  async listConversations(q: ConversationQuery): Promise<Page<ConversationRecord>> {
    const before = q.cursor ? decodeCursor(q.cursor) ?? 0 : Number.MAX_SAFE_INTEGER;
    const values: unknown[] = [before, q.limit + 1];
    if (q.contactId) values.push(q.contactId);
    const contactClause = q.contactId ? 'AND contact_id = $3' : '';
    const r = await this.pool.query<Row>(`SELECT * FROM conversations WHERE id < $1 ${contactClause} ORDER BY id DESC LIMIT $2`, values);
    return pageOf(r.rows, q.limit, toConversation, (row) => row.id);
  }

  async updateConversation(id: string, patch: ConversationPatch) {
    const sid = shortId(id);
    if (!sid) return null;
    const columns: Record<string, string> = { state: 'state', title: 'title', adminAssigneeId: 'admin_assignee_id' };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (!columns[key] || value === undefined) continue;
      values.push(value);
      sets.push(`${columns[key]} = $${values.length}`);
    }
    if (!sets.length) return this.getConversation(sid);
    values.push(new Date().toISOString(), sid);
    const r = await this.pool.query<Row>(
      `UPDATE conversations SET ${sets.join(', ')}, updated_at = $${values.length - 1} WHERE id = $${values.length} RETURNING *`,
      values,
    );
    return r.rows[0] ? toConversation(r.rows[0]) : null;
  }

  async deleteConversation(id: string) {
    const sid = shortId(id);
    if (!sid) return false;
    return ((await this.pool.query('DELETE FROM conversations WHERE id = $1', [sid])).rowCount ?? 0) > 0;
  }

  /**
   * Group commit for visitors' messages: while earlier batches are in flight, new appends
   * queue up and go together in one transaction that locks every author first (in id order),
   * then runs each append's duplicate check, block check and insert under those locks.
   * Callers are answered after COMMIT; if the batch fails, nothing of it was committed and
   * each append is retried alone. Admin appends (other lock order) always go alone.
   */
  appendMessage(input: AppendMessageInput): Promise<AppendResult> {
    // Admins (other lock order) and REST-created conversations or imports go alone.
    if (input.authorType === 'admin' || input.newConversation || input.createdAt) return this.appendAlone(input);
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ input, resolve, reject });
      this.pumpAppends();
    });
  }

  private pendingAppends: PendingAppend[] = [];
  private appendBatches = 0;
  /** Authors with an append in a batch in flight: a new batch leaves them out. */
  private busyAuthors = new Set<string>();

  private pumpAppends() {
    while (this.pendingAppends.length > 0 && this.appendBatches < MAX_APPEND_BATCHES) {
      // Batches in flight at once never share an author, so they never wait on each other's
      // row locks. Once one of an author's appends stays queued, so do the later ones: each
      // author's appends run in the order they came.
      const batch: PendingAppend[] = [];
      const rest: PendingAppend[] = [];
      const held = new Set(this.busyAuthors);
      for (const p of this.pendingAppends) {
        if (batch.length < MAX_APPEND_BATCH && !held.has(p.input.authorId)) batch.push(p);
        else {
          rest.push(p);
          held.add(p.input.authorId);
        }
      }
      if (batch.length === 0) return;
      this.pendingAppends = rest;
      const authors = new Set(batch.map((p) => p.input.authorId));
      for (const a of authors) this.busyAuthors.add(a);
      this.appendBatches++;
      void this.appendBatch(batch).finally(() => {
        for (const a of authors) this.busyAuthors.delete(a);
        this.appendBatches--;
        this.pumpAppends();
      });
    }
  }

  private async appendBatch(batch: PendingAppend[]) {
    let results: AppendResult[];
    try {
      results = await this.tx((c) => this.appendContactBatch(c, batch.map((p) => p.input)));
    } catch {
      for (const { input, resolve, reject } of batch) this.appendAlone(input).then(resolve, reject);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  /**
   * Visitors' messages in one transaction, set-based: lock every author (in id order), read
   * resends and conversations, create missing conversations, insert all messages, touch
   * activity: about eight round trips whatever the batch size. The block check runs on the
   * locked author rows, so a block committed before the lock is seen and none can commit
   * until this transaction does.
   */
  private async appendContactBatch(c: Client, inputs: AppendMessageInput[]): Promise<AppendResult[]> {
    const now = new Date().toISOString();
    const key = (authorId: string, clientId: string) => `${authorId}\n${clientId}`;
    const authorIds = [...new Set(inputs.map((i) => i.authorId))];
    const authors = new Map((await all(c, Q.lockContacts, [authorIds])).map((r) => [r.id as string, r]));
    const keyed = inputs.filter((i) => i.clientId);
    const stored = new Map<string, Row>();
    if (keyed.length) {
      for (const r of await all(c, Q.messagesByClientIds, [keyed.map((i) => i.authorId), keyed.map((i) => i.clientId)])) stored.set(key(r.author_id, r.client_id), r);
    }
    const wantedIds = new Set<string>([...stored.values()].map((r) => String(r.conversation_id)));
    for (const i of inputs) if (i.conversationId && shortId(i.conversationId)) wantedIds.add(i.conversationId);
    const conversations = new Map<string, Row>();
    if (wantedIds.size) for (const r of await all(c, Q.conversationsByIds, [[...wantedIds]])) conversations.set(String(r.id), r);
    const needOpen = [...new Set(inputs.filter((i) => !i.conversationId).map((i) => i.authorId))];
    const open = new Map<string, Row>();
    if (needOpen.length) for (const r of await all(c, Q.latestOpenConversations, [needOpen])) open.set(r.contact_id, r);

    const duplicateOf = (r: Row): AppendResult => ({ status: 'duplicate', message: toMessage(r), conversation: toConversation(conversations.get(String(r.conversation_id))!) });
    // First pass: decide each append; collect the conversations to create.
    type Plan = { result: AppendResult } | { conversation: string | null; input: AppendMessageInput; id: string };
    const plans: Plan[] = [];
    const toCreate = new Set<string>();
    for (const input of inputs) {
      const author = authors.get(input.authorId);
      const prior = input.clientId ? stored.get(key(input.authorId, input.clientId)) : undefined;
      if (!author) plans.push({ result: { status: 'contact_not_found' } });
      else if (prior) plans.push({ result: duplicateOf(prior) });
      else if (isBlockedRow(author)) plans.push({ result: { status: 'blocked' } });
      else if (input.conversationId) {
        const conv = conversations.get(input.conversationId);
        if (!conv || conv.contact_id !== input.authorId) plans.push({ result: { status: 'conversation_not_found' } });
        else plans.push({ conversation: input.conversationId, input, id: newObjectId() });
      } else {
        const conv = open.get(input.authorId);
        if (!conv) toCreate.add(input.authorId);
        plans.push({ conversation: conv ? String(conv.id) : null, input, id: newObjectId() });
      }
    }
    const created = new Set<string>();
    if (toCreate.size) {
      for (const r of await all(c, Q.insertConversations, [[...toCreate], now])) {
        open.set(r.contact_id, r);
        conversations.set(String(r.id), r);
        created.add(String(r.id));
      }
    }
    const inserts = plans.flatMap((p) => ('input' in p ? [{ ...p, conversation: p.conversation ?? String(open.get(p.input.authorId)!.id) }] : []));
    const rows = new Map<string, Row>();
    if (inserts.length) {
      const inserted = await all(c, Q.insertMessages, [
        inserts.map((p) => p.id), inserts.map((p) => p.conversation), inserts.map((p) => p.input.authorId),
        inserts.map((p) => p.input.clientId ?? null), inserts.map((p) => p.input.authorType), inserts.map((p) => p.input.authorId),
        inserts.map((p) => p.input.body), now,
      ]);
      for (const r of inserted) rows.set(r.id, r);
      const touched = [...new Set([...rows.values()].map((r) => String(r.conversation_id)))];
      if (touched.length) for (const r of await all(c, Q.touchConversations, [touched, now])) conversations.set(String(r.id), r);
      const active = [...new Set([...rows.values()].map((r) => r.author_id as string))];
      if (active.length) await c.query({ ...Q.touchContacts, values: [active, now] });
    }
    // A clientId used twice within the batch: the first one stored, the later ones repeat it.
    const storedInBatch = new Map<string, Row>();
    for (const r of rows.values()) if (r.client_id) storedInBatch.set(key(r.author_id, r.client_id), r);
    return plans.map((p) => {
      if ('result' in p) return p.result;
      const conversationId = p.conversation ?? String(open.get(p.input.authorId)!.id);
      const row = rows.get(p.id);
      if (row) {
        const createdConversation = created.delete(conversationId);
        return {
          status: 'stored', message: toMessage(row), conversation: toConversation(conversations.get(conversationId)!), createdConversation,
          contact: toContact({ ...authors.get(p.input.authorId)!, last_activity: new Date(now) }),
        };
      }
      return duplicateOf(storedInBatch.get(key(p.input.authorId, p.input.clientId!))!);
    });
  }

  private appendAlone(input: AppendMessageInput): Promise<AppendResult> {
    return this.tx(async (c) => {
      const result = await this.appendIn(c, input);
      if (result.status === 'stored' && input.authorType !== 'admin') await c.query({ ...Q.touchContact, values: [result.message.createdAt, input.authorId] });
      return result;
    });
  }

  /** One append inside `c`'s transaction; a batch passes the author row it already locked. */
  private async appendIn(c: Client, input: AppendMessageInput, lockedAuthor?: Row | null): Promise<AppendResult> {
    const byContact = input.authorType !== 'admin';
    // Locks always go contact first, then conversation (as in deleteContact), so no
    // two of these transactions can deadlock.
    if (byContact) {
      // The block check and the insert share this transaction and the author's row lock:
      // a block committed before we got the lock is seen, and none can commit until we do.
      // The lock also serialises this author's sends, so the duplicate check below sees
      // every earlier send with the same clientId.
      const author = lockedAuthor !== undefined ? lockedAuthor : await one(c, Q.lockContact, [input.authorId]);
      if (input.clientId) {
        const dup = await one(c, Q.messageByClientId, [input.authorId, input.clientId]);
        if (dup) return this.duplicate(c, dup);
      }
      if (!author) return { status: 'contact_not_found' };
      if (isBlockedRow(author)) return { status: 'blocked' };
    }
    const now = input.createdAt ?? new Date().toISOString();
    let conversation: Row | undefined;
    let createdConversation = false;
    if (input.conversationId) {
      const sid = shortId(input.conversationId);
      if (!sid) return { status: 'conversation_not_found' };
      if (!byContact) {
        // Admins take the owner's lock too: then a contact's history is inserted in `seq`
        // order, and reading it `since` a message never skips one committed late.
        const owner = await one(c, Q.conversationOwner, [sid]);
        if (!owner) return { status: 'conversation_not_found' };
        await one(c, Q.lockContact, [owner.contact_id]);
      }
      conversation = await one(c, Q.lockConversation, [sid]);
      if (!conversation) return { status: 'conversation_not_found' };
      if (byContact && conversation.contact_id !== input.authorId) return { status: 'conversation_not_found' };
    } else {
      const ownerId = byContact ? input.authorId : input.contactId;
      if (!ownerId) return { status: 'contact_not_found' };
      if (!byContact && !(await one(c, Q.lockContact, [ownerId]))) return { status: 'contact_not_found' };
      if (!input.newConversation) conversation = await one(c, Q.latestOpenConversation, [ownerId]);
      if (!conversation) {
        conversation = (await one(c, Q.insertConversation, [ownerId, now]))!;
        createdConversation = true;
      }
    }
    const message = await one(c, Q.insertMessage, [
      newObjectId(), conversation.id, conversation.contact_id, input.clientId ?? null, input.authorType, input.authorId,
      input.authorName ?? null, input.body, input.messageType, now,
    ]);
    if (!message) {
      // Only an admin gets here (contacts were checked under their lock): that key is
      // taken, so undo whatever this call created and answer with the stored message.
      const dup = (await one(c, Q.messageByClientId, [input.authorId, input.clientId]))!;
      throw new Rollback(await this.duplicate(c, dup));
    }
    const touched = (await one(c, Q.touchConversation, [now, byContact, conversation.id]))!;
    return { status: 'stored', message: toMessage(message), conversation: toConversation(touched), createdConversation };
  }

  private async duplicate(c: Client, dup: Row): Promise<AppendResult> {
    const conversation = (await one(c, Q.conversationById, [dup.conversation_id]))!;
    return { status: 'duplicate', message: toMessage(dup), conversation: toConversation(conversation) };
  }

  async listMessages(conversationId: string, opts: { includeNotes?: boolean } = {}) {
    const sid = shortId(conversationId);
    if (!sid) return [];
    const q = opts.includeNotes === false ? Q.repliesOfConversation : Q.messagesOfConversation;
    return (await all(this.pool, q, [sid])).map(toMessage);
  }

  async listContactMessages(contactId: string, opts: { since?: string | null; limit: number }) {
    if (opts.since) {
      const anchor = await one(this.pool, Q.messageSeq, [opts.since]);
      const seq = anchor && anchor.contact_id === contactId ? anchor.seq : 0;
      const rows = await all(this.pool, Q.contactMessagesSince, [contactId, seq, opts.limit + 1]);
      const hasMore = rows.length > opts.limit;
      return { messages: rows.slice(0, opts.limit).map(toMessage), hasMore };
    }
    const rows = await all(this.pool, Q.contactMessagesLatest, [contactId, opts.limit + 1]);
    const hasMore = rows.length > opts.limit;
    return { messages: (hasMore ? rows.slice(1) : rows).map(toMessage), hasMore };
  }
}
