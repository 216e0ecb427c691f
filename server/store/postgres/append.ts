import type pg from 'pg';
import { shortId } from '../dialect.js';
import { newObjectId } from '../ids.js';
import { messageEvent, outboxRow } from '../outbox.js';
import { numbered, protectMessage, runAsync, type Stmt } from '../protection-sql.js';
import type { StoreObserver } from '../observer.js';
import type { Appender } from '../repositories/conversations.js';
import { isBlockedRow, toContact, toConversation, toMessage } from '../rows.js';
import type { AppendMessageInput, AppendResult } from '../store.js';

type Row = Record<string, any>;
type Client = pg.PoolClient;

/*
 * The PostgreSQL message append, written against pg directly rather than Kysely because it
 * is the hot path: named statements (parsed once per connection) and set-based batches of
 * visitors' messages, a few round trips whatever the batch size (bench/RESULTS.md). The
 * block check takes the author's row lock (FOR UPDATE), as setBlocked does in the shared
 * contacts repository. Everything else in the store is the shared Kysely code.
 */

/** Named statements: parsed and planned once per pooled connection. */
const Q = {
  // The block guarantee: appendMessage and setBlocked both take this row lock first, so a
  // block and a send by that contact are serialised, across every process on the database.
  lockContact: { name: 'parley_lock_contact', text: 'SELECT * FROM contacts WHERE id = $1 FOR UPDATE' },
  // A batch locks all its authors in one statement, in id order, so batches cannot deadlock.
  lockContacts: { name: 'parley_lock_contacts', text: 'SELECT * FROM contacts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE' },
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
  // Set-based statements for a batch of visitors' messages: a few round trips per batch.
  messagesByClientIds: {
    name: 'parley_messages_by_client_ids',
    text: `SELECT m.* FROM messages m JOIN unnest($1::text[], $2::text[]) AS k(author_id, client_id)
      ON m.author_id = k.author_id AND m.client_id = k.client_id`,
  },
  conversationsByIds: { name: 'parley_conversations_by_ids', text: 'SELECT * FROM conversations WHERE id = ANY($1::bigint[])' },
  // Ids only: the rows of the conversations a batch stores into come back from insertMessages.
  latestOpenConversations: {
    name: 'parley_latest_open_conversation_ids',
    text: `SELECT DISTINCT ON (contact_id) id, contact_id FROM conversations WHERE contact_id = ANY($1::text[]) AND state <> 'closed'
      ORDER BY contact_id, id DESC`,
  },
  insertConversations: {
    name: 'parley_insert_conversations',
    text: `INSERT INTO conversations (contact_id, state, created_at, updated_at, last_activity_at)
      SELECT contact_id, 'open', $2, $2, $2 FROM unnest($1::text[]) AS t(contact_id) RETURNING *`,
  },
  // The batch's writes as one statement: the messages, their conversations' and authors'
  // activity. Message rows are built from what was written (nothing of them is generated but
  // `seq`, which no reader of the result needs); the touched conversations come back, with the
  // number of messages stored, which must be all of them (see appendContactBatch).
  insertMessages: {
    name: 'parley_insert_messages_touch',
    text: `WITH m AS (
        INSERT INTO messages (id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, created_at)
        SELECT id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, $10
        FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
          WITH ORDINALITY AS t(id, conversation_id, contact_id, client_id, author_type, author_id, author_name, body, message_type, ord)
        ORDER BY ord
        ON CONFLICT ON CONSTRAINT messages_client_id DO NOTHING RETURNING conversation_id, author_id
      ), active AS (
        UPDATE contacts SET last_activity = $10 WHERE id IN (SELECT author_id FROM m)
      )
      UPDATE conversations SET last_activity_at = $10, updated_at = $10, state = CASE WHEN state = 'closed' THEN 'open' ELSE state END
      WHERE id IN (SELECT conversation_id FROM m) RETURNING *, (SELECT count(*) FROM m)::int AS parley_stored`,
  },
  insertOutbox: {
    name: 'parley_insert_outbox',
    text: `INSERT INTO webhook_outbox (id, event, lease_until, created_at) SELECT id, event, $3, $3 FROM unnest($1::text[], $2::text[]) AS t(id, event)`,
  },
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

/** Group commit of message appends over the store's pg pool. */
export class PostgresAppender implements Appender {
  constructor(
    private readonly pool: pg.Pool,
    /** Told of each append transaction that answered: its size and duration (metrics). */
    private readonly onBatch?: StoreObserver['onAppendBatch'],
  ) {}

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
   * Group commit for visitors' messages: while earlier batches are in flight, new appends
   * queue up and go together in one transaction that locks every author first (in id order),
   * then runs each append's duplicate check, block check and insert under those locks.
   * Callers are answered after COMMIT; if the batch fails, nothing of it was committed and
   * each append is retried alone. Admin appends (other lock order) always go alone.
   */
  append(input: AppendMessageInput): Promise<AppendResult> {
    // Admins (other lock order), REST-created conversations, imports and messages that meet
    // protection rules go alone: the set-based batch stays the path of the common case.
    if (input.authorType === 'admin' || input.newConversation || input.createdAt || input.protection) return this.appendAlone(input);
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
      const started = this.onBatch ? performance.now() : 0;
      results = await this.tx((c) => this.appendContactBatch(c, batch.map((p) => p.input)));
      this.onBatch?.(batch.length, performance.now() - started);
    } catch {
      for (const { input, resolve, reject } of batch) this.appendAlone(input).then(resolve, reject);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  /**
   * Visitors' messages in one transaction, set-based: lock every author (in id order), read
   * resends and conversations, create missing conversations, then insert all messages and
   * touch activity in one statement: about six round trips whatever the batch size. The block
   * check runs on the locked author rows, so a block committed before the lock is seen and none
   * can commit until this transaction does.
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
    // A clientId used twice within the batch: the first one is stored, the later ones repeat it.
    const firstOf = new Map<string, string>();
    const inserts: { id: string; conversation: string; input: AppendMessageInput }[] = [];
    for (const p of plans) {
      if (!('input' in p)) continue;
      const k = p.input.clientId ? key(p.input.authorId, p.input.clientId) : null;
      if (k && firstOf.has(k)) continue;
      if (k) firstOf.set(k, p.id);
      inserts.push({ id: p.id, conversation: p.conversation ?? String(open.get(p.input.authorId)!.id), input: p.input });
    }
    const rows = new Map<string, Row>();
    if (inserts.length) {
      const touched = await all(c, Q.insertMessages, [
        inserts.map((p) => p.id), inserts.map((p) => p.conversation), inserts.map((p) => p.input.authorId),
        inserts.map((p) => p.input.clientId ?? null), inserts.map((p) => p.input.authorType), inserts.map((p) => p.input.authorId),
        inserts.map((p) => p.input.authorName ?? null), inserts.map((p) => p.input.body), inserts.map((p) => p.input.messageType), now,
      ]);
      // Under the authors' locks, after the resend check, every insert stores. Were one a
      // duplicate nonetheless, throwing rolls the batch back and each append is retried alone.
      if (touched[0]?.parley_stored !== inserts.length) throw new Error(`append batch stored ${touched[0]?.parley_stored ?? 0} of ${inserts.length} messages`);
      for (const { parley_stored: _, ...r } of touched) conversations.set(String(r.id), r);
      for (const p of inserts) {
        rows.set(p.id, {
          id: p.id, conversation_id: p.conversation, contact_id: p.input.authorId, client_id: p.input.clientId ?? null, author_type: p.input.authorType,
          author_id: p.input.authorId, author_name: p.input.authorName ?? null, body: p.input.body, message_type: p.input.messageType, created_at: now, redacted_at: null,
        });
      }
    }
    const results = plans.map((p): AppendResult => {
      if ('result' in p) return p.result;
      const conversationId = p.conversation ?? String(open.get(p.input.authorId)!.id);
      const first = p.input.clientId ? firstOf.get(key(p.input.authorId, p.input.clientId))! : p.id;
      const row = rows.get(first)!;
      if (first !== p.id) return { status: 'duplicate', message: toMessage(row), conversation: toConversation(conversations.get(String(row.conversation_id))!) };
      const createdConversation = created.delete(conversationId);
      return {
        status: 'stored', message: toMessage(row), conversation: toConversation(conversations.get(conversationId)!), createdConversation,
        contact: toContact({ ...authors.get(p.input.authorId)!, last_activity: new Date(now) }),
      };
    });
    await this.recordEvents(c, inputs, results);
    return results;
  }

  /** Outbox rows for the stored appends that asked for one, in the append's transaction. */
  private async recordEvents(c: Client, inputs: AppendMessageInput[], results: AppendResult[]) {
    const rows = results.flatMap((r, i) => (r.status === 'stored' && inputs[i].recordEvent ? [outboxRow(messageEvent(r))] : []));
    if (rows.length) await c.query({ ...Q.insertOutbox, values: [rows.map((r) => r.id), rows.map((r) => r.event), rows[0].created_at] });
  }

  private async appendAlone(input: AppendMessageInput): Promise<AppendResult> {
    const started = this.onBatch ? performance.now() : 0;
    const answer = await this.tx(async (c) => {
      const result = await this.appendIn(c, input);
      if (result.status === 'stored' && input.authorType !== 'admin') await c.query({ ...Q.touchContact, values: [result.message.createdAt, input.authorId] });
      await this.recordEvents(c, [input], [result]);
      return result;
    });
    // A batch of one, as for SQLite: the sizes show how much the group commit groups.
    this.onBatch?.(1, performance.now() - started);
    return answer;
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
      // Rules run under the author's lock, before a conversation is made for the message (a
      // held one leaves no trace in the inbox); a named conversation is checked first.
      if (input.protection) {
        let conversationId: string | null = null;
        if (input.conversationId) {
          const owner = shortId(input.conversationId) ? await one(c, Q.conversationOwner, [input.conversationId]) : undefined;
          if (owner?.contact_id !== input.authorId) return { status: 'conversation_not_found' };
          conversationId = input.conversationId;
        }
        const verdict = await runAsync(protectMessage(input.protection, author, {
          conversationId, clientId: input.clientId ?? null, authorType: input.authorType, authorId: input.authorId, authorName: input.authorName ?? null, body: input.body,
        }, (b) => b, { storedChecked: true }), async (s: Stmt) => (await c.query<Row>(numbered(s.sql), s.params)).rows);
        // (A resend of a stored message was answered above, under the same lock.)
        if (verdict?.status === 'held') return verdict;
        if (verdict?.status === 'blocked_by_rule') return { status: verdict.status, contact: verdict.contact, event: verdict.event, firing: verdict.firing };
      }
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
}
