import { activeAdmin } from './agents.js';
import { ParleyError } from './errors.js';
import type { AppliedTagRecord, Store, TagRecord } from '../store/store.js';

/** Tags a workspace may have (Featurebase's catalog is small too; each conversation lists its own). */
export const MAX_TAGS = 500;

const tagNotFound = (id: string) => new ParleyError('tag_not_found', `No tag with id ${id}.`);
const nameTaken = (name: string) => new ParleyError('conflict', `A tag named "${name}" already exists.`);

/**
 * Conversation tags: the workspace's catalog (unique names) and which conversations carry
 * which tag. Attaching and detaching is done on behalf of an admin, who must be an active one.
 */
export class Tags {
  constructor(private readonly store: Store) {}

  list(): Promise<TagRecord[]> {
    return this.store.tags.list();
  }

  async get(id: string): Promise<TagRecord> {
    return (await this.store.tags.get(id)) ?? Promise.reject(tagNotFound(id));
  }

  /** Creates a tag, or renames the one with `id`. */
  async createOrRename(name: string, id?: string): Promise<TagRecord> {
    const trimmed = name.trim();
    if (!trimmed) throw new ParleyError('invalid_payload', 'Invalid request: name must not be blank.');
    if (id) {
      const renamed = await this.store.tags.rename(id, trimmed);
      if (renamed === 'missing') throw tagNotFound(id);
      if (renamed === 'taken') throw nameTaken(trimmed);
      return renamed;
    }
    if ((await this.store.tags.count()) >= MAX_TAGS) throw new ParleyError('invalid_payload', `This server already has the maximum of ${MAX_TAGS} tags.`);
    return (await this.store.tags.create(trimmed)) ?? Promise.reject(nameTaken(trimmed));
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.tags.delete(id))) throw tagNotFound(id);
  }

  /** Puts a tag on a conversation (idempotent: the first application is kept). */
  async attach(conversationId: string, tagId: string, actingAdminId: string): Promise<AppliedTagRecord> {
    await activeAdmin(this.store, actingAdminId);
    const applied = await this.store.tags.attach(conversationId, tagId, actingAdminId);
    if (applied) return applied;
    throw (await this.store.conversations.get(conversationId)) ? tagNotFound(tagId) : new ParleyError('conversation_not_found', `No conversation with id ${conversationId}.`);
  }

  /** Takes a tag off a conversation; tag_not_found when it does not carry it. */
  async detach(conversationId: string, tagId: string, actingAdminId: string): Promise<AppliedTagRecord> {
    await activeAdmin(this.store, actingAdminId);
    if (!(await this.store.conversations.get(conversationId))) throw new ParleyError('conversation_not_found', `No conversation with id ${conversationId}.`);
    return (await this.store.tags.detach(conversationId, tagId)) ?? Promise.reject(new ParleyError('tag_not_found', `Conversation ${conversationId} does not carry tag ${tagId}.`));
  }

  /** The tags of each conversation, by conversation id. */
  of(conversationIds: readonly string[]): Promise<Map<string, AppliedTagRecord[]>> {
    return this.store.tags.of(conversationIds);
  }
}
