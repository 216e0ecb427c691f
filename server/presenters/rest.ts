import type { AuditLogRecord, CompanyRecord, ContactRecord, ConversationRecord, MessageRecord, TagRecord, WebhookRecord } from '../store/store.js';

/**
 * Contact as featurebase-node's `Contact` type shapes it (optional fields absent, not null,
 * where it declares them so), plus Parley's `createdAt` and block state. `companies` is there
 * when the caller read them (REST answers do; webhook payloads leave it out).
 */
export function contactJson(c: ContactRecord, companies?: CompanyRecord[]) {
  return {
    object: 'contact' as const,
    id: c.id,
    type: c.type,
    ...(c.userId !== null ? { userId: c.userId } : {}),
    email: c.email,
    name: c.name ?? '',
    profilePicture: c.profilePicture,
    ...(companies ? { companies: companies.map(companyJson) } : {}),
    customFields: c.customFields,
    ...(c.locale !== null ? { locale: c.locale } : {}),
    lastActivity: c.lastActivity ?? c.createdAt,
    createdAt: c.createdAt,
    blocked: c.blocked,
    blockedAt: c.blockedAt,
    blockedUntil: c.blockedUntil,
    // Parley extension: a lead rolled up into a customer on sign-in names that customer.
    ...(c.mergedInto ? { mergedInto: c.mergedInto } : {}),
  };
}

/** Company as featurebase-node's `Company` type shapes it. */
export function companyJson(c: CompanyRecord) {
  return {
    object: 'company' as const,
    id: c.id,
    companyId: c.companyId,
    name: c.name,
    companySize: c.companySize,
    industry: c.industry,
    website: c.website,
    plan: c.plan,
    monthlySpend: c.monthlySpend,
    linkedUsers: c.linkedUsers,
    lastActivity: c.lastActivity,
    customFields: c.customFields,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Plain, escaped HTML for `bodyHtml`: paragraphs and line breaks, never raw markup. */
export function bodyHtml(markdown: string): string {
  return markdown
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** One message of a conversation as a Featurebase conversation part. */
export function partJson(m: MessageRecord) {
  const partType = m.authorType !== 'admin' ? 'user_msg' : m.messageType === 'note' ? 'admin_note' : 'admin_msg';
  return {
    object: 'conversation_part' as const,
    id: m.id,
    partType,
    bodyMarkdown: m.body,
    bodyHtml: m.redactedAt ? '' : bodyHtml(m.body),
    // The SDK's AdminNote has no channel: a note is sent nowhere.
    ...(partType !== 'admin_note' ? { channel: 'desktop' as const } : {}),
    createdAt: m.createdAt,
    updatedAt: m.redactedAt ?? m.createdAt,
    author: { type: m.authorType, id: m.authorId, ...(m.authorName ? { name: m.authorName } : {}) },
    ...(m.redactedAt ? { redacted: true } : {}),
  };
}

/** A workspace tag as featurebase-node's `ConversationTag`. */
export const tagJson = (t: TagRecord) => ({ id: t.id, name: t.name, type: 'tag' as const });

export function conversationJson(c: ConversationRecord, contact: ContactRecord | null, parts?: MessageRecord[], tags: TagRecord[] = []) {
  return {
    object: 'conversation' as const,
    id: c.id,
    title: c.title ?? undefined,
    state: c.state,
    isBlocked: contact?.blocked ?? false,
    participants: contact ? [{ id: contact.id, type: contact.type }] : [],
    adminAssigneeId: c.adminAssigneeId,
    teamAssigneeId: null,
    brandId: null,
    priority: false,
    prioritySetAt: null,
    snoozedUntil: c.state === 'snoozed' ? c.snoozedUntil : null,
    waitingSince: null,
    hasAdminOverriddenLanguage: false,
    userPreferredLanguage: contact?.locale ?? 'en',
    botConversationStateLastUpdatedAt: null,
    tags: tags.map(tagJson),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastActivityAt: c.lastActivityAt,
    ...(parts ? { conversationParts: parts.map(partJson) } : {}),
  };
}

/** Audit log entry as featurebase-node's `AuditLogListResponse` shapes it. */
export function auditLogJson(e: AuditLogRecord) {
  return {
    object: 'audit_log' as const,
    id: e.id,
    action: e.action,
    domain: e.domain,
    description: e.description,
    actor: {
      id: e.actor.id,
      type: e.actor.type,
      email: e.actor.email ?? '',
      name: e.actor.name,
      apiKey: e.actor.type === 'api_key' ? { id: 'default', name: 'PARLEY_API_KEY' } : null,
    },
    resource: e.resource,
    request: e.request,
    metadata: e.metadata,
    correlationId: null,
    createdAt: e.createdAt,
  };
}

/** Webhook as featurebase-node's `Webhook` type shapes it (the secret included, as Featurebase does). */
export function webhookJson(w: WebhookRecord) {
  return {
    object: 'webhook' as const,
    id: w.id,
    name: w.name,
    url: w.url,
    description: w.description,
    topics: w.topics,
    status: w.status,
    secret: w.secret,
    requestConfig: { timeoutMs: w.timeoutMs, headers: w.headers },
    lastStatus: w.lastStatus,
    health: w.health,
    version: '2026-01-01.nova',
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}
