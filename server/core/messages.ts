import { MAX_BODY_LENGTH, MAX_HISTORY_PAGE_BYTES } from '../../protocol/limits.js';
import type { AuthorType, MessageType } from '../../protocol/types.js';
import { ParleyError } from './errors.js';
import type { Publish } from './events.js';
import type { Protection } from './protection.js';
import type { Subscriptions, WebhookTopic } from './webhooks.js';
import type { AppendMessageInput, AppendResult, ConversationRecord, HeldMessageRecord, MessageRecord, Store } from '../store/store.js';

export interface SentMessage {
  message: MessageRecord;
  conversation: ConversationRecord;
  /** True when the clientId had already been used: nothing new was stored. */
  duplicate: boolean;
}

/** Validates a message body: non-blank, at most MAX_BODY_LENGTH characters. */
export function checkBody(body: string): string {
  if (body.trim().length === 0) throw new ParleyError('invalid_payload', 'The message body is empty.');
  if (body.length > MAX_BODY_LENGTH) {
    throw new ParleyError('message_too_long', `The message body is longer than ${MAX_BODY_LENGTH} characters.`);
  }
  return body;
}

type ContactSend = { contactId: string; contactType: AuthorType; clientId?: string | null; conversationId?: string; body: string; newConversation?: boolean; origin?: string };

const contactInput = (input: ContactSend): AppendMessageInput => ({
  authorType: input.contactType,
  authorId: input.contactId,
  clientId: input.clientId ?? null,
  conversationId: input.conversationId,
  newConversation: input.newConversation,
  body: input.body,
  messageType: 'reply',
});

/** What a contact's message became: stored (`sent`), or held by a rule (`held`; `message` shows it as if stored). */
export type ContactSent = { message: MessageRecord; sent: SentMessage; held: null } | { message: MessageRecord; sent: null; held: HeldMessageRecord };

/** What the visitor's ack shows for a held message: what it sent, as if stored. */
export const heldAsMessage = (h: HeldMessageRecord): MessageRecord => ({
  id: h.id, conversationId: h.conversationId ?? '', clientId: h.clientId, authorType: h.authorType, authorId: h.authorId, authorName: h.authorName,
  body: h.body, messageType: 'reply', createdAt: h.createdAt, redactedAt: null,
});

/** The topics a message may fire (webhooks/topics.ts picks the one it did). */
function topicsOfMessage(input: AppendMessageInput): WebhookTopic[] {
  if (input.authorType === 'admin') return [input.messageType === 'note' ? 'conversation.admin.noted' : 'conversation.admin.replied'];
  return ['conversation.user.created', 'conversation.user.replied'];
}

/**
 * Every message goes through here, whatever the entry point. The store checks the
 * author's block state in the same transaction as the insert.
 */
export class Messages {
  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly subscriptions: Subscriptions,
    private readonly protection?: Protection,
  ) {}

  /** `origin` tags the committed event with the sender (e.g. a socket id) so pushes can skip it. */
  async append(input: AppendMessageInput, origin?: string): Promise<SentMessage> {
    const result = await this.store.conversations.appendMessage(await this.prepared(input));
    return this.settle(result, origin);
  }

  private async prepared(input: AppendMessageInput): Promise<AppendMessageInput> {
    checkBody(input.body);
    // The webhook event is written with the message, only when some webhook wants it.
    const recordEvent = await this.subscriptions.wants(topicsOfMessage(input));
    return recordEvent ? { ...input, recordEvent } : input;
  }

  /**
   * A contact (lead or customer) writes, through the messenger or through REST on its behalf:
   * the protection rules run in the append's transaction. A held message is answered as if
   * stored (`message`; the visitor is not told) and shown to the contact's other tabs as its
   * own; a rule's block is answered as any block. Without enabled rules nothing is evaluated.
   */
  async sendAsContact(input: ContactSend): Promise<ContactSent> {
    // At hand while the rules read are fresh: no wait for it then.
    const pending = this.protection?.check('message');
    const protection = pending instanceof Promise ? await pending : pending;
    const prepared = await this.prepared(contactInput(input));
    if (!protection) return this.stored(this.settle(await this.store.conversations.appendMessage(prepared), input.origin));
    // Set on the fresh input rather than spread into a copy: the copy cost the send path more than the rules.
    prepared.protection = protection;
    const result = await this.store.conversations.appendMessage(prepared);
    if (result.status === 'held') {
      if (!result.duplicate) this.protection!.held(result.held, input.origin);
      return { message: heldAsMessage(result.held), sent: null, held: result.held };
    }
    if (result.status === 'blocked_by_rule') {
      await this.protection!.blocked(result.contact, result.event, result.firing);
      throw new ParleyError('contact_blocked');
    }
    return this.stored(this.settle(result, input.origin));
  }

  private stored = (sent: SentMessage): ContactSent => ({ message: sent.message, sent, held: null });

  /** A held message, released: stored as the contact sent it (same idempotency key), past the rules. */
  release(held: HeldMessageRecord): Promise<SentMessage> {
    return this.append({
      authorType: held.authorType, authorId: held.authorId, authorName: held.authorName, clientId: held.clientId ?? `held-${held.id}`,
      conversationId: held.conversationId ?? undefined, body: held.body, messageType: 'reply',
    });
  }

  /** An admin (agent or API) writes a reply or an internal note; blocks don't apply. */
  sendAsAdmin(input: { adminId: string; adminName?: string | null; conversationId?: string; contactId?: string; body: string; messageType: MessageType; clientId?: string | null; newConversation?: boolean }) {
    return this.append({
      authorType: 'admin',
      authorId: input.adminId,
      authorName: input.adminName ?? null,
      conversationId: input.conversationId,
      contactId: input.contactId,
      newConversation: input.newConversation,
      clientId: input.clientId ?? null,
      body: input.body,
      messageType: input.messageType,
    });
  }

  /**
   * A page of the visitor's history. `since` may name one of its held messages (the last one
   * a tab saw): then the page is what came after it, from the latest page. A contact with no
   * held message (one key lookup says so) reads its messages alone.
   */
  private async page(contactId: string, since: string | null | undefined, limit: number) {
    const held = !!this.protection && (await this.store.protection.hasHeld(contactId));
    const anchor = since && held ? await this.store.protection.getHeld(since) : null;
    if (anchor?.contactId !== contactId) {
      const page = await this.store.conversations.listContactMessages(contactId, { since, limit });
      return held && !since ? this.withHeld(contactId, limit, page) : page;
    }
    const latest = await this.withHeld(contactId, limit, await this.store.conversations.listContactMessages(contactId, { limit }));
    return { messages: latest.messages.filter((m) => m.createdAt >= anchor.createdAt && m.id !== anchor.id), hasMore: false };
  }

  /**
   * The latest page also shows the visitor its own held messages, where they were sent: a
   * reload must not tell a flooder which of its messages were held.
   */
  private async withHeld(contactId: string, limit: number, page: { messages: MessageRecord[]; hasMore: boolean }) {
    const held = (await this.store.protection.listHeld({ limit, contactId })).items;
    if (!held.length) return page;
    const merged = [...page.messages, ...held.map(heldAsMessage)].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    return { messages: merged.slice(-limit), hasMore: page.hasMore || merged.length > limit };
  }

  private settle(result: AppendResult, origin?: string): SentMessage {
    switch (result.status) {
      case 'stored':
        this.publish({
          type: 'message:created', message: result.message, conversation: result.conversation, createdConversation: result.createdConversation, contact: result.contact, origin,
        });
        return { message: result.message, conversation: result.conversation, duplicate: false };
      case 'duplicate':
        return { message: result.message, conversation: result.conversation, duplicate: true };
      case 'blocked':
      case 'blocked_by_rule':
        throw new ParleyError('contact_blocked');
      case 'held':
        throw new Error('a held message outside sendAsContact');
      case 'contact_not_found':
        throw new ParleyError('contact_not_found');
      case 'conversation_not_found':
        throw new ParleyError('conversation_not_found');
    }
  }

  /**
   * A contact's visible history (no notes), oldest first, at most `limit` messages and
   * `maxBytes` of JSON (one message always fits). With `since`: the messages after it, cut at
   * the end; `hasMore` means "page on with since = the last id". Without: the latest
   * messages, cut at the start; `hasMore` means older messages exist that no page reaches.
   */
  async history(contactId: string, since: string | null | undefined, limit: number, maxBytes = MAX_HISTORY_PAGE_BYTES) {
    return cutToBytes(await this.page(contactId, since, limit), !since, maxBytes);
  }

  /**
   * The page before `before` (one of the contact's visible messages), oldest first, cut at the
   * start like the latest page; `hasMore`: page on with before = the first id. Held messages
   * only ever show on the latest page, so none are here.
   */
  async historyBefore(contactId: string, before: string, limit: number, maxBytes = MAX_HISTORY_PAGE_BYTES) {
    return cutToBytes(await this.store.conversations.listContactMessages(contactId, { before, limit }), true, maxBytes);
  }
}

/** Keeps what fits in maxBytes of JSON (one message always does), from the newest or the oldest end. */
function cutToBytes(page: { messages: MessageRecord[]; hasMore: boolean }, newestFirst: boolean, maxBytes: number) {
  const { messages } = page;
  let bytes = 0;
  let kept = 0;
  for (; kept < messages.length; kept++) {
    const m = messages[newestFirst ? messages.length - 1 - kept : kept];
    bytes += Buffer.byteLength(JSON.stringify(m));
    if (bytes > maxBytes && kept > 0) break;
  }
  if (kept === messages.length) return page;
  return { messages: newestFirst ? messages.slice(messages.length - kept) : messages.slice(0, kept), hasMore: true };
}
