import type { CoreEvent } from '../core/events.js';
import type { WebhookTopic } from '../core/webhooks.js';
import { heldMessageJson } from '../presenters/protection.js';
import { auditLogJson, contactJson, conversationJson } from '../presenters/rest.js';
import type { ContactRecord, ConversationRecord, TagRecord } from '../store/store.js';

/** What a payload needs beyond the event: the contact, and a conversation's tags. */
export interface PayloadLookups {
  contactOf(id: string): Promise<ContactRecord | null>;
  tagsOf(conversationId: string): Promise<TagRecord[]>;
}

export interface TopicEvent {
  topic: WebhookTopic;
  item: unknown;
  changes?: { field: string; oldValue: unknown; newValue: unknown }[];
}

/** The webhook topics a committed core change fires (usually one, none for most). */
export function topicsOf(event: CoreEvent): WebhookTopic[] {
  switch (event.type) {
    case 'contact:blocked':
      return ['contact.blocked'];
    case 'contact:unblocked':
      return ['contact.unblocked'];
    case 'message:held':
      return ['message.held'];
    case 'message:created': {
      const m = event.message;
      if (m.authorType === 'admin') return [m.messageType === 'note' ? 'conversation.admin.noted' : 'conversation.admin.replied'];
      return [event.createdConversation ? 'conversation.user.created' : 'conversation.user.replied'];
    }
    case 'conversation:updated': {
      const before = event.previous;
      const after = event.conversation;
      if (!before) return [];
      const topics: WebhookTopic[] = [];
      if (before.state !== after.state) {
        if (after.state === 'closed') topics.push('conversation.admin.closed');
        if (after.state === 'snoozed') topics.push('conversation.admin.snoozed');
        if (before.state === 'snoozed') topics.push('conversation.admin.unsnoozed');
        if (after.state === 'open') topics.push('conversation.admin.opened');
      }
      if (after.adminAssigneeId && after.adminAssigneeId !== before.adminAssigneeId) topics.push('conversation.admin.assigned');
      return topics;
    }
    case 'conversation:deleted':
      return ['conversation.deleted'];
    case 'message:redacted':
      return ['conversation_part.redacted'];
    case 'audit_log:created':
      return ['audit_log.created'];
    default:
      return [];
  }
}

/** The payload `data.item` (and `changes`) for one topic, shaped like the REST API's objects. */
export async function itemOf(event: CoreEvent, { contactOf, tagsOf }: PayloadLookups): Promise<Omit<TopicEvent, 'topic'>> {
  const conversation = async (c: ConversationRecord, parts?: Parameters<typeof conversationJson>[2]) =>
    conversationJson(c, await contactOf(c.contactId), parts, await tagsOf(c.id));
  switch (event.type) {
    case 'contact:blocked':
    case 'contact:unblocked': {
      const e = event.event;
      const details = event.type === 'contact:blocked' ? event.details : undefined;
      return {
        item: {
          ...contactJson(event.contact),
          block: {
            action: event.type === 'contact:blocked' ? 'block' : 'unblock',
            reason: e?.reason ?? null,
            actor: e ? { type: e.actorType, id: e.actorId } : null,
            createdAt: e?.createdAt ?? new Date().toISOString(),
            ...(details ? {
              scope: details.scope,
              blockedUntil: details.blockedUntil,
              rules: details.rules.map(({ kind, value, expiresAt }) => ({ kind, value, expiresAt })),
              ...(details.matchedRule ? { automatic: { kind: details.matchedRule.kind, sourceContactId: details.matchedRule.sourceContactId } } : {}),
              ...(details.carriedFrom ? { automatic: { kind: details.carriedFrom.via, sourceContactId: details.carriedFrom.contactId } } : {}),
              ...(details.firedRule ? { automatic: { kind: 'rule', ruleId: details.firedRule.id, ruleName: details.firedRule.name } } : {}),
            } : {}),
          },
        },
      };
    }
    case 'message:held':
      return { item: heldMessageJson(event.held) };
    case 'message:created':
      return { item: await conversation(event.conversation, [event.message]) };
    case 'conversation:updated': {
      const before = event.previous;
      const after = event.conversation;
      const changes = before
        ? (['state', 'adminAssigneeId', 'title'] as const)
          .filter((f) => before[f] !== after[f])
          .map((field) => ({ field, oldValue: before[field], newValue: after[field] }))
        : [];
      return { item: await conversation(after), changes };
    }
    case 'conversation:deleted':
      return { item: { object: 'conversation', id: event.conversationId, contactId: event.contactId, deleted: true } };
    case 'message:redacted':
      return { item: await conversation(event.conversation, [event.message]) };
    case 'audit_log:created':
      return { item: auditLogJson(event.entry) };
    default:
      return { item: null };
  }
}
