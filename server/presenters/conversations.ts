import type { AppliedTagRecord, ContactRecord, ConversationRecord, TagRecord } from '../store/store.js';
import { conversationJson, tagJson } from './rest.js';

/** A tag put on (or taken off) a conversation, as featurebase-node's `AttachedConversationTag`. */
export const attachedTagJson = (t: AppliedTagRecord, removed?: { at: string; by: string }) => ({
  ...tagJson(t),
  appliedAt: t.appliedAt,
  ...(t.appliedBy ? { appliedBy: { type: 'admin' as const, id: t.appliedBy } } : {}),
  ...(removed ? { removedAt: removed.at, removedBy: { type: 'admin' as const, id: removed.by } } : {}),
});

/** One row of `POST /v2/conversations/search`, as featurebase-node's `ConversationSearchResponse.Data`: the slim fields of a conversation and who it is with. */
export function searchRowJson(c: ConversationRecord, contact: ContactRecord | null, tags: TagRecord[]) {
  const {
    object, id, title, state, participants, adminAssigneeId, teamAssigneeId, brandId, priority, prioritySetAt, createdAt, updatedAt, lastActivityAt, tags: tagList,
  } = conversationJson(c, contact, undefined, tags);
  return {
    object, id, ...(title ? { title } : {}), state, participants, adminAssigneeId, teamAssigneeId, brandId, priority, prioritySetAt,
    tags: tagList, createdAt, updatedAt, lastActivityAt,
    conversationUser: contact
      ? { id: contact.id, type: contact.type, email: contact.email, name: contact.name, profilePicture: contact.profilePicture }
      : null,
  };
}
