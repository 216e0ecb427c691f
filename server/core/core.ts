import { randomUUID } from 'node:crypto';
import { SavedReplies } from './saved-replies.js';
import { Agents, type AgentPolicy } from './agents.js';
import { AuditLog } from './audit.js';
import { Contacts, type BlockPolicy } from './contacts.js';
import { Conversations } from './conversations.js';
import type { CoreEvent, Publish } from './events.js';
import { Messages } from './messages.js';
import { Tags } from './tags.js';
import { Protection } from './protection.js';
import { Webhooks } from './webhooks.js';
import { Followups, type FollowupPolicy } from './followups.js';
import { Receipts } from './receipts.js';
import { Invites } from './invites.js';
import { MessengerSettingsService } from './messenger-settings.js';
import type { Store } from '../store/store.js';

/**
 * The domain: contacts, conversations, messages and blocks over a store. Knows nothing
 * of HTTP or sockets; REST routes, socket handlers and tests all call it.
 */
export class Core {
  readonly contacts: Contacts;
  readonly conversations: Conversations;
  readonly messages: Messages;
  /** Console accounts, sign-in, block permission, inbox. */
  readonly agents: Agents;
  /** Who did what: blocks, sign-ins, webhook changes. */
  readonly audit: AuditLog;
  /** Webhook endpoints; changes they subscribe to write an outbox event in their transaction (delivery runs in server/webhooks). */
  readonly webhooks: Webhooks;
  /** Conversation tags: the catalog and each conversation's. */
  readonly tags: Tags;
  /** Automatic protection: rules run in the send path, held messages, rule events. */
  readonly protection: Protection;
  /** The team's saved replies (console). */
  readonly savedReplies: SavedReplies;
  /** Email follow-up of agent replies to visitors who left (delivery runs in server/email). */
  readonly followups: Followups;
  /** Read receipts: agents' reads for the visitor's "Seen", the visitor's read position for agents. */
  readonly receipts: Receipts;
  /** Office hours, reply time and the team the widget's header shows (admins set them). */
  readonly messengerSettings: MessengerSettingsService;
  /** Email invitations of new agents (pending accounts, single-use links). */
  readonly invites: Invites;
  private readonly listeners = new Set<Publish>();

  constructor(private readonly store: Store, opts: { agentPolicy?: AgentPolicy; blockPolicy?: BlockPolicy; followupPolicy?: FollowupPolicy; inviteKey?: Buffer } = {}) {
    const publish: Publish = (event) => this.emit(event);
    // Entries fire `audit_log.created` when a webhook wants it (webhooks audit their own changes).
    this.audit = new AuditLog(store, { wants: (topics) => this.webhooks.wants(topics) }, publish);
    this.webhooks = new Webhooks(store, this.audit);
    this.contacts = new Contacts(store, publish, this.audit, opts.blockPolicy, this.webhooks);
    this.conversations = new Conversations(store, publish, this.webhooks, this.audit);
    this.protection = new Protection(store, publish, this.audit, this.webhooks, (held) => this.messages.release(held));
    this.messages = new Messages(store, publish, this.webhooks, this.protection);
    this.agents = new Agents(store, this.contacts, opts.agentPolicy, this.audit);
    this.tags = new Tags(store);
    this.savedReplies = new SavedReplies(store);
    this.followups = new Followups(store, opts.followupPolicy);
    this.receipts = new Receipts(store, publish, this.followups);
    this.messengerSettings = new MessengerSettingsService(store);
    this.invites = new Invites(store, this.agents, this.audit, opts.inviteKey);
  }

  /**
   * This deployment's id: made once, kept in its database, the same for every process sharing
   * it. Cross-process channels are named by it, so deployments sharing a Redis never hear each other.
   */
  async deploymentId(): Promise<string> {
    return (await this.store.settings.claim('deployment', { id: randomUUID() })).id;
  }

  /** Listen to committed changes (in this process); returns an unsubscribe function. */
  subscribe(listener: Publish): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: CoreEvent) {
    for (const listener of this.listeners) listener(event);
  }
}
