import type { AuthorType } from './types.js';
import type { ProtectionActionInput, ProtectionConditionInput, ProtectionModeName } from './schemas/protection.js';

/*
 * Automatic protection as the console sees it (`/console/api/protection/*` and the `held:*`
 * pushes of the /agents namespace); the same JSON the REST API answers.
 */

export type ProtectionCondition = ProtectionConditionInput;
export type ProtectionAction = ProtectionActionInput;
export type ProtectionMode = ProtectionModeName;

export interface ProtectionRuleDto {
  object: 'protection_rule';
  id: string;
  name: string;
  description: string | null;
  mode: ProtectionMode;
  conditions: ProtectionCondition[];
  action: ProtectionAction;
  /** The recommended rule it is (`repeated-text`, …), or null for an admin's own. */
  preset: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A contact's message a rule held: in no inbox until released. */
export interface HeldMessageDto {
  object: 'held_message';
  id: string;
  contactId: string;
  conversationId: string | null;
  clientId: string | null;
  author: { type: AuthorType; id: string; name?: string };
  bodyMarkdown: string;
  rule: { id: string; name: string };
  createdAt: string;
}

/** What a rule did, or in dry run would have done. */
export interface ProtectionEventDto {
  object: 'protection_event';
  id: string;
  ruleId: string;
  ruleName: string;
  mode: 'dry_run' | 'enforce';
  action: ProtectionAction['type'];
  trigger: 'message' | 'rate_limit';
  contactId: string;
  excerpt: string | null;
  createdAt: string;
}

export interface ListDto<T> {
  object: 'list';
  data: T[];
  nextCursor: string | null;
}
