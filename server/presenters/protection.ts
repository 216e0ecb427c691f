import type { HeldMessageDto } from '../../protocol/protection.js';
import type { HeldMessageRecord, ProtectionEventRecord, ProtectionRuleRecord } from '../store/store.js';

/** A protection rule as the REST API and the console show it. */
export const ruleJson = (r: ProtectionRuleRecord) => ({
  object: 'protection_rule' as const,
  id: r.id,
  name: r.name,
  description: r.description,
  mode: r.mode,
  conditions: r.conditions,
  action: r.action,
  preset: r.preset,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** A held message, with the rule that held it. */
export const heldMessageJson = (h: HeldMessageRecord): HeldMessageDto => ({
  object: 'held_message' as const,
  id: h.id,
  contactId: h.contactId,
  conversationId: h.conversationId,
  clientId: h.clientId,
  author: { type: h.authorType, id: h.authorId, ...(h.authorName ? { name: h.authorName } : {}) },
  bodyMarkdown: h.body,
  rule: { id: h.ruleId, name: h.ruleName },
  createdAt: h.createdAt,
});

export const protectionEventJson = (e: ProtectionEventRecord) => ({ object: 'protection_event' as const, ...e });
