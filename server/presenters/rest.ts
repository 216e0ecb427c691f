import type { ContactRecord, ConversationRecord, MessageRecord } from '../store/store.js';

/** Contact as Featurebase's v2 API shapes it, plus Parley's block state. */
export function contactJson(c: ContactRecord) {
  return {
    object: 'contact' as const,
    id: c.id,
    type: c.type,
    userId: c.userId,
    email: c.email,
    name: c.name ?? '',
    profilePicture: c.profilePicture,
    companies: c.companies,
    customFields: c.customFields,
    locale: c.locale ?? undefined,
    lastActivity: c.lastActivity ?? c.createdAt,
    createdAt: c.createdAt,
    blocked: c.blocked,
    blockedAt: c.blockedAt,
    blockedUntil: c.blockedUntil,
    // Parley extension: a lead rolled up into a customer on sign-in names that customer.
    ...(c.mergedInto ? { mergedInto: c.mergedInto } : {}),
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

export function partJson(m: MessageRecord) {
  const partType = m.authorType !== 'admin' ? 'user_msg' : m.messageType === 'note' ? 'admin_note' : 'admin_msg';
  return {
    object: 'conversation_part' as const,
    id: m.id,
    partType,
    bodyMarkdown: m.body,
    bodyHtml: bodyHtml(m.body),
    channel: 'desktop' as const,
    createdAt: m.createdAt,
    updatedAt: m.createdAt,
    author: { type: m.authorType, id: m.authorId, ...(m.authorName ? { name: m.authorName } : {}) },
  };
}

export function conversationJson(c: ConversationRecord, contact: ContactRecord | null, parts?: MessageRecord[]) {
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
    snoozedUntil: null,
    waitingSince: null,
    hasAdminOverriddenLanguage: false,
    userPreferredLanguage: contact?.locale ?? 'en',
    botConversationStateLastUpdatedAt: null,
    tags: [],
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastActivityAt: c.lastActivityAt,
    ...(parts ? { conversationParts: parts.map(partJson) } : {}),
  };
}
