import type * as v from 'valibot';
import type { ConversationsListSchema, HistoryFetchSchema, MessengerAuthSchema, PageContextSchema, ReadSchema, SendMessageSchema, TypingSchema } from './schemas/messenger.js';
import type { FollowupSubscribeSchema } from './schemas/email.js';
import type { AckFn, ConversationState, MessageDto, SessionContact } from './types.js';

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
  /** Email follow-up: when the widget asks for an address, and whether one is on file. */
  followup: FollowupInfo;
  /** Who answers and when (office hours, reply time), for the header. */
  team: TeamInfo;
}

export interface TeamInfo {
  /** Display names of up to three agents. */
  names: string[];
  /** Their pictures, in the same order (a path on this server, null: initials); absent when none has one. */
  avatars?: (string | null)[];
  /** "Typically replies in …" (a few minutes, about an hour, within a day), or null. */
  replyTime: 'minutes' | 'hour' | 'day' | null;
  /** Within office hours (always, when none are set). */
  open: boolean;
  /** Outside office hours: when the team is back (weekday 0 = Sunday, HH:MM in `timezone`). */
  back?: { day: number; time: string; timezone: string };
}

export interface FollowupInfo {
  /** Ask for an address once the visitor's last message waited this long for an agent. */
  promptAfterSeconds: number;
  /** An address is on file (and not unsubscribed): don't ask again. */
  subscribed: boolean;
  /** No agent has the console open (on this server process): ask at once. */
  agentsOnline: boolean;
}

/** `followup:subscribe`: the address agent replies are emailed to while the visitor is away. */
export type FollowupSubscribePayload = v.InferInput<typeof FollowupSubscribeSchema>;

/** `message:send`: `clientId` is an idempotency key (a resend never stores twice); no `conversationId`: the latest open conversation, or a new one. */
export type SendMessagePayload = v.InferInput<typeof SendMessageSchema>;

/** `history:fetch`: `since` is the last message id the client has, `before` its oldest (older page); neither for the latest page. */
export type HistoryPayload = NonNullable<v.InferInput<typeof HistoryFetchSchema>>;

export type TypingPayload = v.InferInput<typeof TypingSchema>;

/** Where the visitor is: page address and title, where they came from, their language and time zone. */
export type PageContext = v.InferInput<typeof PageContextSchema>;
export type ReadPayload = v.InferInput<typeof ReadSchema>;

export interface MessengerClientEvents {
  'message:send': (payload: SendMessagePayload, ack: AckFn<{ message: MessageDto }>) => void;
  /** `seenId`: the visitor's newest message an agent has read (for "Seen"), or null. */
  'history:fetch': (payload: HistoryPayload, ack: AckFn<{ messages: MessageDto[]; hasMore: boolean; seenId?: string | null }>) => void;
  typing: (payload: TypingPayload) => void;
  /** The page the messenger is on (at connect and each page change); agents see it beside the conversation. */
  'page:context': (payload: PageContext) => void;
  /** Coalesced by the widget: sent when the visitor has read a newer message, at most every few seconds. */
  read: (payload: ReadPayload) => void;
  'followup:subscribe': (payload: FollowupSubscribePayload, ack: AckFn<Record<never, never>>) => void;
  /** The visitor's past conversations, newest first (CONVERSATIONS_PAGE_SIZE a page); `nextCursor` null on the last page. */
  'conversations:list': (payload: ConversationsListPayload, ack: AckFn<{ conversations: VisitorConversation[]; nextCursor: string | null }>) => void;
}

export type ConversationsListPayload = NonNullable<v.InferInput<typeof ConversationsListSchema>>;

/** One of the visitor's conversations as the messenger lists it. */
export interface VisitorConversation {
  id: string;
  state: ConversationState;
  title: string | null;
  createdAt: string;
  lastActivityAt: string;
}

export interface MessengerServerEvents {
  session: (payload: SessionPayload) => void;
  'message:new': (message: MessageDto) => void;
  /** The message was redacted: it is gone from the visitor's thread. */
  'message:redacted': (payload: { messageId: string; conversationId: string }) => void;
  'contact:blocked': (payload: { contactId: string; blockedUntil?: string | null }) => void;
  'contact:unblocked': (payload: { contactId: string }) => void;
  'agent:typing': (payload: TypingPayload & { name?: string | null }) => void;
  /** An agent has read the conversation up to `messageId`: the visitor's messages up to it are seen. */
  'conversation:seen': (payload: { conversationId: string; messageId: string }) => void;
}
