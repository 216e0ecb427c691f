import { decode, shortId, type Conn } from '../dialect.js';
import { newObjectId } from '../ids.js';
import type { AppliedTagRecord, TagRecord } from '../store.js';

type Row = Record<string, any>;

const toTag = (r: Row): TagRecord => ({ id: r.id, name: r.name, createdAt: decode.time(r.created_at)! });
const toApplied = (r: Row): AppliedTagRecord => ({ ...toTag(r), appliedAt: decode.time(r.applied_at)!, appliedBy: r.applied_by });

/** The workspace's conversation tags (names unique) and which conversations carry them. */
export class TagsRepository {
  constructor(private readonly c: Conn) {}

  /** Every tag, by name. */
  async list(): Promise<TagRecord[]> {
    return (await this.c.db.selectFrom('tags').selectAll().orderBy('name').orderBy('id').execute()).map(toTag);
  }

  async count(): Promise<number> {
    const r = await this.c.db.selectFrom('tags').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async get(id: string): Promise<TagRecord | null> {
    const r = await this.c.db.selectFrom('tags').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toTag(r) : null;
  }

  /** A new tag, or null when another tag has that name. */
  async create(name: string): Promise<TagRecord | null> {
    const r = await this.c.db.insertInto('tags').values({ id: newObjectId(), name, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing()).returningAll().executeTakeFirst();
    return r ? toTag(r) : null;
  }

  /** Renames a tag: `missing` for an unknown id, `taken` when another tag has that name. */
  rename(id: string, name: string): Promise<TagRecord | 'missing' | 'taken'> {
    return this.c.tx(async ({ db, dialect }) => {
      const tag = await dialect.lock(db.selectFrom('tags').selectAll().where('id', '=', id)).executeTakeFirst();
      if (!tag) return 'missing';
      const other = await db.selectFrom('tags').select('id').where('name', '=', name).where('id', '!=', id).executeTakeFirst();
      if (other) return 'taken';
      return toTag(await db.updateTable('tags').set({ name }).where('id', '=', id).returningAll().executeTakeFirstOrThrow());
    });
  }

  /** Deletes a tag and takes it off every conversation. */
  async delete(id: string): Promise<boolean> {
    const r = await this.c.db.deleteFrom('tags').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Puts a tag on a conversation (again: keeps the first application). Null when the
   * conversation or the tag does not exist.
   */
  attach(conversationId: string, tagId: string, by: string | null): Promise<AppliedTagRecord | null> {
    const sid = shortId(conversationId);
    if (!sid) return Promise.resolve(null);
    return this.c.tx(async ({ db }) => {
      const exists = await db.selectFrom('conversations').select('id').where('id', '=', sid).executeTakeFirst();
      const tag = await db.selectFrom('tags').select('id').where('id', '=', tagId).executeTakeFirst();
      if (!exists || !tag) return null;
      await db.insertInto('conversation_tags').values({ conversation_id: sid, tag_id: tagId, applied_by: by, applied_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(['conversation_id', 'tag_id']).doNothing()).execute();
      return (await this.appliedQuery(db, [sid]).where('ct.tag_id', '=', tagId).execute()).map(toApplied)[0] ?? null;
    });
  }

  /** Takes a tag off a conversation; the application it removed, or null when it had none. */
  detach(conversationId: string, tagId: string): Promise<AppliedTagRecord | null> {
    const sid = shortId(conversationId);
    if (!sid) return Promise.resolve(null);
    return this.c.tx(async ({ db }) => {
      const applied = (await this.appliedQuery(db, [sid]).where('ct.tag_id', '=', tagId).execute()).map(toApplied)[0];
      if (!applied) return null;
      await db.deleteFrom('conversation_tags').where('conversation_id', '=', sid).where('tag_id', '=', tagId).execute();
      return applied;
    });
  }

  /** The tags of each conversation (by id), in the order they were applied. */
  async of(conversationIds: readonly string[]): Promise<Map<string, AppliedTagRecord[]>> {
    const ids = [...new Set(conversationIds.map(shortId).filter((id): id is string => id !== null))];
    const byConversation = new Map<string, AppliedTagRecord[]>(conversationIds.map((id) => [id, []]));
    if (!ids.length) return byConversation;
    for (const r of await this.appliedQuery(this.c.db, ids).execute()) byConversation.get(String(r.conversation_id))?.push(toApplied(r));
    return byConversation;
  }

  private appliedQuery(db: Conn['db'], conversationIds: string[]) {
    return db.selectFrom('conversation_tags as ct').innerJoin('tags as t', 't.id', 'ct.tag_id')
      .select(['t.id', 't.name', 't.created_at', 'ct.conversation_id', 'ct.applied_at', 'ct.applied_by'])
      .where('ct.conversation_id', 'in', conversationIds).orderBy('ct.applied_at').orderBy('t.id');
  }
}
