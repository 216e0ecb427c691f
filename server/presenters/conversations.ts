import type { AppliedTagRecord, ContactRecord, ConversationRecord, TagRecord } from '../store/store.js';
import { tagJson } from './rest.js';

/** A tag put on (or taken off) a conversation, as featurebase-node's `AttachedConversationTag`. */
export const attachedTagJson = (t: AppliedTagRecord, removed?: { at: string; by: string }) => ({
  ...tagJson(t),
  appliedAt: t.appliedAt,
  ...(t.appliedBy ? { appliedBy: { type: 'admin' as const, id: t.appliedBy } } : {}),
  ...(removed ? { removedAt: removed.at, removedBy: { type: 'admin' as const, id: removed.by } } : {}),
});

/** One row of `POST /v2/conversations/search`, as featurebase-node's `ConversationSearchResponse.Data`. */
export function searchRowJson(c: ConversationRecord, contact: ContactRecord | null, tags: TagRecord[]) {
  return {
    object: 'conversation' as const,
    id: c.id,
    ...(c.title ? { title: c.title } : {}),
    state: c.state,
    participants: contact ? [{ id: contact.id, type: contact.type }] : [],
    adminAssigneeId: c.adminAssigneeId,
    teamAssigneeId: null,
    brandId: null,
    priority: false,
    prioritySetAt: null,
    tags: tags.map(tagJson),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastActivityAt: c.lastActivityAt,
    conversationUser: contact ? {
      id: contact.id,
      type: contact.type,
      email: contact.email,
      name: contact.name,
      profilePicture: contact.profilePicture,
    } : null,
  };
}
