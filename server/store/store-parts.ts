import type { Store } from './store.js';

/** Console accounts and the inbox (server/store/{sqlite,postgres}/agent-store.ts). */
export type AgentStorePart = Pick<Store, 'createAgent' | 'getAgent' | 'findAgentByEmail' | 'listAgents' | 'countAgents' | 'bumpSessionEpoch'
  | 'deactivateAgent' | 'reactivateAgent' | 'setAgentPassword' | 'listInbox' | 'markConversationRead'>;

/** Wider blocks, webhooks and the audit log (server/store/{sqlite,postgres}/hardening-store.ts). */
export type HardeningStorePart = Pick<Store,
  | 'recordContactSeen' | 'getContactSeen' | 'addBlockRules' | 'findActiveBlockRule' | 'listBlockRules' | 'removeBlockRules'
  | 'createWebhook' | 'getWebhook' | 'listWebhooks' | 'countWebhooks' | 'updateWebhook' | 'deleteWebhook'
  | 'enqueueDeliveries' | 'claimDueDeliveries' | 'completeDelivery' | 'listDeliveries' | 'addAuditLog' | 'listAuditLogs'>;

/** Lead-to-customer merges and device carry-over (server/store/{sqlite,postgres}/identity-store.ts). */
export type IdentityStorePart = Pick<Store, 'mergeContact' | 'findBlockedContactByDevice' | 'listDeviceSharers'>;
