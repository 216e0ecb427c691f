import { decode } from './dialect.js';
import type { BlockEventRecord, CompanyRecord, ContactRecord, ConversationRecord, MessageRecord } from './store.js';

type Row = Record<string, any>;

/** Blocked and not past its expiry (ISO strings compare in time order). */
export const isBlockedRow = (r: Row): boolean =>
  decode.flag(r.blocked) && (r.blocked_until == null || decode.time(r.blocked_until)! > new Date().toISOString());

export const toContact = (r: Row): ContactRecord => {
  // A block whose expiry passed reads as none at all, before the expiry job records its end.
  const blocked = isBlockedRow(r);
  return {
    id: r.id,
    type: r.type,
    userId: r.user_id,
    email: r.email,
    name: r.name,
    profilePicture: r.profile_picture,
    customFields: decode.json(r.custom_fields),
    locale: r.locale,
    blocked,
    blockedAt: blocked ? decode.time(r.blocked_at) : null,
    blockedUntil: blocked ? decode.time(r.blocked_until) : null,
    lastActivity: decode.time(r.last_activity),
    createdAt: decode.time(r.created_at)!,
    tokenEpoch: Number(r.token_epoch ?? 0),
    mergedInto: r.merged_into ?? null,
    emailVerified: r.email_verified == null ? true : decode.flag(r.email_verified),
  };
};

export const toCompany = (r: Row): CompanyRecord => ({
  id: r.id,
  companyId: r.company_id,
  name: r.name,
  companySize: r.company_size == null ? null : Number(r.company_size),
  industry: r.industry,
  website: r.website,
  plan: r.plan,
  monthlySpend: r.monthly_spend == null ? null : Number(r.monthly_spend),
  customFields: decode.json(r.custom_fields) ?? {},
  createdAt: decode.time(r.created_at),
  updatedAt: decode.time(r.updated_at)!,
  linkedUsers: Number(r.linked_users ?? 0),
  lastActivity: decode.time(r.last_activity),
});

export const toConversation = (r: Row): ConversationRecord => ({
  id: String(r.id),
  contactId: r.contact_id,
  state: r.state,
  title: r.title,
  adminAssigneeId: r.admin_assignee_id,
  createdAt: decode.time(r.created_at)!,
  updatedAt: decode.time(r.updated_at)!,
  lastActivityAt: decode.time(r.last_activity_at)!,
  snoozedUntil: decode.time(r.snoozed_until),
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
  createdAt: decode.time(r.created_at)!,
  redactedAt: decode.time(r.redacted_at),
});

export const toBlockEvent = (r: Row): BlockEventRecord => ({
  id: r.id,
  contactId: r.contact_id,
  action: r.action,
  actorType: r.actor_type,
  actorId: r.actor_id,
  reason: r.reason,
  createdAt: decode.time(r.created_at)!,
});
