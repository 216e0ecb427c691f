import { MAX_BODY_LENGTH, MAX_HISTORY_PAGE_BYTES } from '../../protocol/limits.js';
import type { AuthorType, MessageType } from '../../protocol/types.js';
import { ParleyError } from './errors.js';
import type { Publish } from './events.js';
import type { Subscriptions, WebhookTopic } from './webhooks.js';
import type { AppendMessageInput, AppendResult, ConversationRecord, MessageRecord, Store } from '../store/store.js';

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
  constructor(private readonly store: Store, private readonly publish: Publish, private readonly subscriptions: Subscriptions) {}

  /** `origin` tags the committed event with the sender (e.g. a socket id) so pushes can skip it. */
  async append(input: AppendMessageInput, origin?: string): Promise<SentMessage> {
    checkBody(input.body);
    // The webhook event is written with the message, only when some webhook wants it.
    const recordEvent = await this.subscriptions.wants(topicsOfMessage(input));
    const result = await this.store.conversations.appendMessage(recordEvent ? { ...input, recordEvent } : input);
    return this.settle(result, origin);
  }

  /** A visitor (lead or customer) writes. */
  sendAsContact(input: { contactId: string; contactType: AuthorType; clientId?: string | null; conversationId?: string; body: string; newConversation?: boolean; origin?: string }) {
    return this.append({
      authorType: input.contactType,
      authorId: input.contactId,
      clientId: input.clientId ?? null,
      conversationId: input.conversationId,
      newConversation: input.newConversation,
      body: input.body,
      messageType: 'reply',
    }, input.origin);
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
        throw new ParleyError('contact_blocked');
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
    const page = await this.store.conversations.listContactMessages(contactId, { since, limit });
    const { messages } = page;
    const newestFirst = !since;
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
}
