import * as v from 'valibot';
import { MAX_BULK_CONTACTS, MAX_REASON_LENGTH } from '../agents.js';
import { ClientId, ConversationId, MessageBody, ObjectId, shortText } from './ids.js';

/** Payloads of the console's /agents socket events. */

const reason = v.optional(v.nullable(shortText(MAX_REASON_LENGTH)));
const limit = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 50);
const cursor = v.optional(v.nullable(shortText(200)));

export const InboxListSchema = v.optional(v.object({
  state: v.optional(v.picklist(['open', 'closed'])),
  blocked: v.optional(v.boolean()),
  search: v.optional(shortText(200)),
  assignee: v.optional(v.picklist(['me', 'unassigned'])),
  limit,
  cursor,
}), {});
export const ConversationRefSchema = v.object({ conversationId: ConversationId });
export const AssignSchema = v.object({ conversationId: ConversationId, assigneeId: v.nullable(ObjectId) });
export const AgentSendSchema = v.object({ conversationId: ConversationId, body: MessageBody, clientId: ClientId });
export const AgentTypingSchema = v.object({ conversationId: ConversationId, typing: v.boolean() });
export const ContactRefSchema = v.object({ contactId: ObjectId });
export const BlockSchema = v.object({ contactId: ObjectId, reason });
export const BulkBlockSchema = v.object({ contactIds: v.pipe(v.array(ObjectId), v.minLength(1), v.maxLength(MAX_BULK_CONTACTS)), reason });
export const ContactsListSchema = v.optional(v.object({ search: v.optional(shortText(200)), limit, cursor }), {});
