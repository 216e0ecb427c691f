import type { BlockEventRecord, ContactRecord, ConversationRecord, MessageRecord } from './store.js';

type Row = Record<string, any>;

/** How one backend's driver hands over the column kinds that differ between backends. */
export interface ColumnDecoding {
  /** A timestamp column as an ISO string (millisecond precision). */
  time(value: unknown): string | null;
  /** A JSON column as its value. */
  json(value: unknown): any;
  /** A boolean column. */
  flag(value: unknown): boolean;
}

/** Row → record mappers shared by the SQLite and PostgreSQL stores: same columns, same records. */
export function rowMappers(d: ColumnDecoding) {
  /** Blocked and not past its expiry (ISO strings compare in time order). */
  const isBlockedRow = (r: Row): boolean => d.flag(r.blocked) && (r.blocked_until == null || d.time(r.blocked_until)! > new Date().toISOString());

  const toContact = (r: Row): ContactRecord => ({
    id: r.id,
    type: r.type,
    userId: r.user_id,
    email: r.email,
    name: r.name,
    profilePicture: r.profile_picture,
    customFields: d.json(r.custom_fields),
    companies: d.json(r.companies),
    locale: r.locale,
    blocked: isBlockedRow(r),
    blockedAt: d.time(r.blocked_at),
    blockedUntil: d.flag(r.blocked) ? d.time(r.blocked_until ?? null) : null,
    lastActivity: d.time(r.last_activity),
    createdAt: d.time(r.created_at)!,
    tokenEpoch: Number(r.token_epoch ?? 0),
    mergedInto: r.merged_into ?? null,
    emailVerified: r.email_verified == null ? true : d.flag(r.email_verified),
  });

  const toConversation = (r: Row): ConversationRecord => ({
    id: String(r.id),
    contactId: r.contact_id,
    state: r.state,
    title: r.title,
    adminAssigneeId: r.admin_assignee_id,
    createdAt: d.time(r.created_at)!,
    updatedAt: d.time(r.updated_at)!,
    lastActivityAt: d.time(r.last_activity_at)!,
  });

  const toMessage = (r: Row): MessageRecord => ({
    id: r.id,
    conversationId: String(r.conversation_id),
    clientId: r.client_id,
    authorType: r.author_type,
    authorId: r.author_id,
    authorName: r.author_name,
    body: r.body,
    messageType: r.message_type,
    createdAt: d.time(r.created_at)!,
  });

  const toBlockEvent = (r: Row): BlockEventRecord => ({
    id: r.id,
    contactId: r.contact_id,
    action: r.action,
    actorType: r.actor_type,
    actorId: r.actor_id,
    reason: r.reason,
    createdAt: d.time(r.created_at)!,
  });

  return { isBlockedRow, toContact, toConversation, toMessage, toBlockEvent };
}
