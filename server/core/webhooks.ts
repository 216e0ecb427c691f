import { randomBytes } from 'node:crypto';
import type { AuditActor, AuditLog } from './audit.js';
import { ParleyError } from './errors.js';
import type { Store, WebhookPatch, WebhookQuery, WebhookRecord } from '../store/store.js';
import { forbiddenHost, isReservedHeader } from './webhook-targets.js';

/** Conversation topics from Featurebase's list (featurebase-node `Webhook.topics`). */
export const CONVERSATION_TOPICS = [
  'conversation.user.created', 'conversation.user.replied', 'conversation.admin.replied', 'conversation.admin.closed',
  'conversation.handover_requested', 'conversation.admin.assigned', 'conversation.admin.noted', 'conversation.admin.snoozed',
  'conversation.admin.unsnoozed', 'conversation.admin.opened', 'conversation.priority.updated', 'conversation.deleted',
  'conversation.contact.attached', 'conversation.contact.detached', 'conversation.read', 'conversation_part.redacted',
] as const;

/**
 * Every topic a Parley webhook may subscribe to: Featurebase's conversation topics and
 * `audit_log.created`, plus Parley's extensions `contact.blocked`, `contact.unblocked` and
 * `message.held`.
 */
export const WEBHOOK_TOPICS = ['contact.blocked', 'contact.unblocked', 'message.held', ...CONVERSATION_TOPICS, 'audit_log.created'] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

/** Featurebase's per-organization limit. */
export const MAX_WEBHOOKS = 10;
export const DEFAULT_TIMEOUT_MS = 5000;

export interface WebhookFields {
  name: string;
  url: string;
  description?: string | null;
  topics: string[];
  requestConfig?: { headers?: Record<string, string>; timeoutMs?: number };
}

export type WebhookUpdate = Partial<WebhookFields> & { status?: 'active' | 'paused' };

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/**
 * Only http(s) URLs with a host; anything else is refused before it is stored. Unless
 * `allowPrivate`, so is a host that is plainly not public (an internal IP literal, localhost);
 * names are checked again on what they resolve to at each delivery.
 */
export function checkWebhookUrl(url: string, allowPrivate = false): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ParleyError('invalid_payload', 'url must be an absolute http(s) URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ParleyError('invalid_payload', 'url must use https (or http).');
  if (parsed.username || parsed.password) throw new ParleyError('invalid_payload', 'url must not carry credentials; use requestConfig.headers.');
  const forbidden = allowPrivate ? null : forbiddenHost(parsed.hostname);
  if (forbidden) {
    throw new ParleyError('invalid_payload', `url targets ${forbidden.address} (${forbidden.range}), which is not allowed: webhooks go to public addresses only (PARLEY_WEBHOOKS_ALLOW_PRIVATE=true allows it in development).`);
  }
  return parsed.toString();
}

/** Parley's own header names (signature, content type, host, …) cannot be set by the caller. */
function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(headers).filter(isReservedHeader);
  if (reserved.length) {
    throw new ParleyError('invalid_payload', `requestConfig.headers must not set ${reserved.slice(0, 3).join(', ')}: Parley sets X-Webhook-*, Content-Type, Content-Length, Host, User-Agent and the connection headers itself.`);
  }
  return headers;
}

function checkTopics(topics: string[]): string[] {
  const unknown = topics.filter((t) => !(WEBHOOK_TOPICS as readonly string[]).includes(t));
  if (unknown.length) {
    throw new ParleyError('invalid_payload', `Unknown or unsupported topic ${unknown.slice(0, 3).map((t) => JSON.stringify(t)).join(', ')}; Parley offers ${WEBHOOK_TOPICS.join(', ')}.`);
  }
  if (!topics.length) throw new ParleyError('invalid_payload', 'topics must name at least one topic.');
  return [...new Set(topics)];
}

/** Whether some active webhook subscribes to one of these topics (changes then record their event). */
export interface Subscriptions {
  wants(topics: readonly WebhookTopic[]): Promise<boolean>;
  /** `wants`, answered at once while what it read is fresh; null: ask `wants`. */
  wantsNow?(topics: readonly WebhookTopic[]): boolean | null;
}

// Most changes (every message) fire a topic nobody subscribed to; that must not cost a query.
// Changes made here drop the cache at once; other processes' changes show within this time
// (a webhook created a moment after an event need not receive it).
const SUBSCRIPTIONS_CACHE_MS = 2_000;

/** Webhook endpoints: CRUD with validation, each change in the audit log. */
/** What the delivery worker may do: read webhooks, claim outbox events and deliveries, record attempts. */
export type DeliveryQueue = Pick<Store['webhooks'], 'list' | 'get' | 'countEvents' | 'claimEvents' | 'dispatchEvent' | 'claimDueDeliveries' | 'completeDelivery' | 'recordAttempt'>;

export class Webhooks implements Subscriptions {
  private readonly listeners = new Set<() => void>();
  private subscribed: { at: number; topics: Promise<Set<string>>; value?: Set<string> } | null = null;
  /** Accept internal targets (PARLEY_WEBHOOKS_ALLOW_PRIVATE; the server sets it at start). */
  allowPrivateAddresses = false;

  constructor(private readonly store: Store, private readonly audit: AuditLog) {}

  /** The outbox and delivery queue, for the delivery worker (server/webhooks) alone. */
  get queue(): DeliveryQueue {
    return this.store.webhooks;
  }

  /** Called after any change made through this process (the dispatcher drops its cache). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async wants(topics: readonly WebhookTopic[]): Promise<boolean> {
    if (!this.subscribed || Date.now() - this.subscribed.at >= SUBSCRIPTIONS_CACHE_MS) {
      const entry: NonNullable<Webhooks['subscribed']> = { at: Date.now(), topics: this.store.webhooks.subscribedTopics() };
      this.subscribed = entry;
      entry.topics.then((value) => {
        entry.value = value;
      }, () => {
        if (this.subscribed === entry) this.subscribed = null;
      });
    }
    const subscribed = await this.subscribed.topics;
    return topics.some((t) => subscribed.has(t));
  }

  wantsNow(topics: readonly WebhookTopic[]): boolean | null {
    const s = this.subscribed;
    if (!s?.value || Date.now() - s.at >= SUBSCRIPTIONS_CACHE_MS) return null;
    return topics.some((t) => s.value!.has(t));
  }

  async get(id: string): Promise<WebhookRecord> {
    const webhook = await this.store.webhooks.get(id);
    if (!webhook) throw new ParleyError('webhook_not_found', `No webhook with id ${id}.`);
    return webhook;
  }

  list(query: WebhookQuery) {
    return this.store.webhooks.list(query);
  }

  async create(fields: WebhookFields, actor: AuditActor): Promise<WebhookRecord> {
    if ((await this.store.webhooks.count()) >= MAX_WEBHOOKS) {
      throw new ParleyError('invalid_payload', `This server already has the maximum of ${MAX_WEBHOOKS} webhooks.`);
    }
    const webhook = await this.store.webhooks.create({
      name: fields.name,
      url: checkWebhookUrl(fields.url, this.allowPrivateAddresses),
      description: fields.description ?? null,
      topics: checkTopics(fields.topics),
      secret: newSecret(),
      headers: checkHeaders(fields.requestConfig?.headers ?? {}),
      timeoutMs: fields.requestConfig?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    await this.record('webhook.created', webhook, actor, { url: webhook.url, topics: webhook.topics });
    return webhook;
  }

  async update(id: string, fields: WebhookUpdate, actor: AuditActor): Promise<WebhookRecord> {
    const before = await this.get(id);
    const patch: WebhookPatch = {};
    if (fields.name !== undefined) patch.name = fields.name;
    if (fields.url !== undefined) patch.url = checkWebhookUrl(fields.url, this.allowPrivateAddresses);
    if (fields.description !== undefined) patch.description = fields.description;
    if (fields.topics !== undefined) patch.topics = checkTopics(fields.topics);
    if (fields.requestConfig?.headers !== undefined) patch.headers = checkHeaders(fields.requestConfig.headers);
    if (fields.requestConfig?.timeoutMs !== undefined) patch.timeoutMs = fields.requestConfig.timeoutMs;
    if (fields.status !== undefined) {
      patch.status = fields.status;
      // Reactivating resets the health metrics (Featurebase semantics).
      if (fields.status === 'active' && before.status !== 'active') {
        patch.health = { lastResponseTime: 0, avgResponseTime: 0, lastSuccessAt: null, errorsSinceLastSuccess: 0, consecutiveFailures: 0 };
      }
    }
    const webhook = await this.store.webhooks.update(id, patch);
    if (!webhook) throw new ParleyError('webhook_not_found', `No webhook with id ${id}.`);
    const changed = Object.keys(patch).filter((k) => k !== 'health');
    await this.record('webhook.updated', webhook, actor, {
      changes: changed.map((field) => ({ field, oldValue: field === 'headers' ? '[redacted]' : before[field as keyof WebhookRecord], newValue: field === 'headers' ? '[redacted]' : webhook[field as keyof WebhookRecord] })),
    });
    return webhook;
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    const webhook = await this.get(id);
    if (!(await this.store.webhooks.delete(id))) throw new ParleyError('webhook_not_found', `No webhook with id ${id}.`);
    await this.record('webhook.deleted', webhook, actor, { url: webhook.url });
  }

  async refreshSecret(id: string, actor: AuditActor): Promise<WebhookRecord> {
    await this.get(id);
    const webhook = await this.store.webhooks.update(id, { secret: newSecret() });
    if (!webhook) throw new ParleyError('webhook_not_found', `No webhook with id ${id}.`);
    await this.record('webhook.secret_rotated', webhook, actor, {});
    return webhook;
  }

  private record(action: string, webhook: WebhookRecord, actor: AuditActor, metadata: Record<string, unknown>) {
    this.subscribed = null;
    for (const listener of this.listeners) listener();
    const verb = action.split('.')[1].replace('_', ' ');
    return this.audit.record({
      action,
      domain: 'integrations',
      description: `Webhook "${webhook.name}" ${verb}`,
      actor,
      resource: { type: 'webhook', id: webhook.id, name: webhook.name },
      metadata,
    });
  }
}
