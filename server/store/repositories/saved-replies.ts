import { decode, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import type { SavedReplyRecord } from '../store.js';

type Row = Record<string, any>;

const toReply = (r: Row): SavedReplyRecord => ({
  id: r.id,
  title: r.title,
  body: r.body,
  createdBy: r.created_by,
  createdAt: decode.time(r.created_at)!,
  updatedAt: decode.time(r.updated_at)!,
});

/** The team's saved replies, by title. */
export class SavedRepliesRepository {
  constructor(private readonly c: Conn) {}

  async list(): Promise<SavedReplyRecord[]> {
    return (await this.c.db.selectFrom('saved_replies').selectAll().orderBy('title').orderBy('id').execute()).map(toReply);
  }

  async get(id: string): Promise<SavedReplyRecord | null> {
    const r = await this.c.db.selectFrom('saved_replies').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toReply(r) : null;
  }

  async count(): Promise<number> {
    const r = await this.c.db.selectFrom('saved_replies').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async create(input: { title: string; body: string; createdBy: string | null }): Promise<SavedReplyRecord> {
    const now = new Date().toISOString();
    const row = await this.c.db.insertInto('saved_replies')
      .values({ id: newObjectId(), title: input.title, body: input.body, created_by: input.createdBy, created_at: now, updated_at: now })
      .returningAll().executeTakeFirstOrThrow();
    return toReply(row);
  }

  /** Null for an unknown id. */
  async update(id: string, patch: { title?: string; body?: string }): Promise<SavedReplyRecord | null> {
    const r = await this.c.db.updateTable('saved_replies')
      .set({ ...(patch.title !== undefined ? { title: patch.title } : {}), ...(patch.body !== undefined ? { body: patch.body } : {}), updated_at: new Date().toISOString() })
      .where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toReply(r) : null;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.c.db.deleteFrom('saved_replies').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
