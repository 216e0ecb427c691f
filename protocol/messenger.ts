import type * as v from 'valibot';
import type { HistoryFetchSchema, MessengerAuthSchema, PageContextSchema, SendMessageSchema, TypingSchema } from './schemas/messenger.js';
import type { AckFn, MessageDto, SessionContact } from './types.js';

export const MESSENGER_NAMESPACE = '/messenger';

/** `auth` sent when connecting to /messenger (fields documented on the schema). */
export type MessengerAuth = v.InferInput<typeof MessengerAuthSchema>;

export interface SessionPayload {
  contact: SessionContact;
  /**
   * Leads only: a signed token that brings this lead back (keep it; it is reissued with a
   * later expiry at every connect). Customers get none: they prove who they are each time.
   */
  visitorToken?: string;
}

/** `message:send`: `clientId` is an idempotency key (a resend never stores twice); no `conversationId`: the latest open conversation, or a new one. */
export type SendMessagePayload = v.InferInput<typeof SendMessageSchema>;

/** `history:fetch`: `since` is the last message id the client has; absent for the latest page. */
export type HistoryPayload = NonNullable<v.InferInput<typeof HistoryFetchSchema>>;

export type TypingPayload = v.InferInput<typeof TypingSchema>;

/** Where the visitor is: page address and title, where they came from, their language and time zone. */
export type PageContext = v.InferInput<typeof PageContextSchema>;

export interface MessengerClientEvents {
  'message:send': (payload: SendMessagePayload, ack: AckFn<{ message: MessageDto }>) => void;
  'history:fetch': (payload: HistoryPayload, ack: AckFn<{ messages: MessageDto[]; hasMore: boolean }>) => void;
  typing: (payload: TypingPayload) => void;
  /** The page the messenger is on (at connect and each page change); agents see it beside the conversation. */
  'page:context': (payload: PageContext) => void;
}

export interface MessengerServerEvents {
  session: (payload: SessionPayload) => void;
  'message:new': (message: MessageDto) => void;
  /** The message was redacted: it is gone from the visitor's thread. */
  'message:redacted': (payload: { messageId: string; conversationId: string }) => void;
  'contact:blocked': (payload: { contactId: string; blockedUntil?: string | null }) => void;
  'contact:unblocked': (payload: { contactId: string }) => void;
  'agent:typing': (payload: TypingPayload & { name?: string | null }) => void;
}
