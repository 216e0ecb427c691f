import { MAX_SAVED_REPLIES } from '../../protocol/agents.js';
import type { AgentRecord, SavedReplyRecord, Store } from '../store/store.js';
import { ParleyError } from './errors.js';

const notFound = (id: string) => new ParleyError('saved_reply_not_found', `No saved reply with id ${id}.`);

/** The team's saved replies: every agent reads and adds; the author or an admin changes or deletes. */
export class SavedReplies {
  constructor(private readonly store: Store) {}

  list() {
    return this.store.savedReplies.list();
  }

  async create(by: AgentRecord, input: { title: string; body: string }): Promise<SavedReplyRecord> {
    if ((await this.store.savedReplies.count()) >= MAX_SAVED_REPLIES) {
      throw new ParleyError('conflict', `The library holds at most ${MAX_SAVED_REPLIES} replies; delete one first.`);
    }
    return this.store.savedReplies.create({ ...input, createdBy: by.id });
  }

  async update(by: AgentRecord, id: string, patch: { title?: string; body?: string }): Promise<SavedReplyRecord> {
    await this.mayChange(by, id);
    const reply = await this.store.savedReplies.update(id, patch);
    if (!reply) throw notFound(id);
    return reply;
  }

  async delete(by: AgentRecord, id: string): Promise<void> {
    await this.mayChange(by, id);
    if (!(await this.store.savedReplies.delete(id))) throw notFound(id);
  }

  private async mayChange(by: AgentRecord, id: string) {
    const reply = await this.store.savedReplies.get(id);
    if (!reply) throw notFound(id);
    if (by.role !== 'admin' && reply.createdBy !== by.id) throw new ParleyError('forbidden', 'Only its author or an admin can change this reply.');
  }
}
