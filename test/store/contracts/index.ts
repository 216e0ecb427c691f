import type { Backend } from './backend.js';
import { runAgentsContract } from './agents.js';
import { runAuditContract } from './audit.js';
import { runContactsContract } from './contacts.js';
import { runConversationsContract } from './conversations.js';
import { runProtectionContract } from './protection.js';
import { runWebhooksContract } from './webhooks.js';

export type { Backend };

/** Every repository's contract on one backend. */
export function runStoreContracts(backend: Backend) {
  runContactsContract(backend);
  runConversationsContract(backend);
  runAgentsContract(backend);
  runWebhooksContract(backend);
  runAuditContract(backend);
  runProtectionContract(backend);
}
