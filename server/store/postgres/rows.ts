import type { BlockEventRecord, ContactRecord, ConversationRecord, MessageRecord } from '../store.js';

export type Row = Record<string, any>;

/** Conversation ids are bigints: anything else cannot match, and must not reach the server as one. */
export const shortId = (id: string): string | null => (/^[0-9]{1,18}$/.test(id) ? id : null);

/** timestamptz arrives as a Date; records carry ISO strings (millisecond precision). */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Blocked and not past its expiry. */
export const isBlockedRow = (r: Row, now = Date.now()): boolean =>
  r.blocked === true && (r.blocked_until == null || (r.blocked_until as Date).getTime() > now);

export const toContact = (r: Row): ContactRecord => ({
  id: r.id,
  type: r.type,
  userId: r.user_id,
  email: r.email,
  name: r.name,
  profilePicture: r.profile_picture,
  customFields: r.custom_fields,
  companies: r.companies,
  locale: r.locale,
  blocked: isBlockedRow(r),
  blockedAt: iso(r.blocked_at),
  blockedUntil: r.blocked ? iso(r.blocked_until ?? null) : null,
  lastActivity: iso(r.last_activity),
  createdAt: iso(r.created_at)!,
});

export const toConversation = (r: Row): ConversationRecord => ({
  id: String(r.id),
  contactId: r.contact_id,
  state: r.state,
  title: r.title,
  adminAssigneeId: r.admin_assignee_id,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  lastActivityAt: iso(r.last_activity_at)!,
});

export const toMessage = (r: Row): MessageRecord => ({
  id: r.id,
  conversationId: String(r.conversation_id),
  clientId: r.client_id,
  authorType: r.author_type,
  authorId: r.author_id,
  authorName: r.author_name,
  body: r.body,
  messageType: r.message_type,
  createdAt: iso(r.created_at)!,
});

export const toBlockEvent = (r: Row): BlockEventRecord => ({
  id: r.id,
  contactId: r.contact_id,
  action: r.action,
  actorType: r.actor_type,
  actorId: r.actor_id,
  reason: r.reason,
  createdAt: iso(r.created_at)!,
});
