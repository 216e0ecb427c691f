import type { Backend } from './backend.js';
import { runAgentsContract } from './agents.js';
import { runAuditContract } from './audit.js';
import { runCompaniesContract } from './companies.js';
import { runContactSearchContract } from './contact-search.js';
import { runContactsContract } from './contacts.js';
import { runConversationLifecycleContract } from './conversation-lifecycle.js';
import { runConversationsContract } from './conversations.js';
import { runTagsContract } from './tags.js';
import { runConsoleReadsContract } from './console-reads.js';
import { runProtectionContract } from './protection.js';
import { runWebhooksContract } from './webhooks.js';
import { runFollowupsContract } from './followups.js';
import { runReceiptsContract } from './receipts.js';
import { runInvitesContract } from './invites.js';

export type { Backend };

/** Every repository's contract on one backend. */
export function runStoreContracts(backend: Backend) {
  runContactsContract(backend);
  runContactSearchContract(backend);
  runCompaniesContract(backend);
  runConversationsContract(backend);
  runAgentsContract(backend);
  runWebhooksContract(backend);
  runAuditContract(backend);
  runTagsContract(backend);
  runConversationLifecycleContract(backend);
  runProtectionContract(backend);
  runConsoleReadsContract(backend);
  runFollowupsContract(backend);
  runReceiptsContract(backend);
  runInvitesContract(backend);
}
