import type { AckFn, MessageDto, SessionContact } from './types.js';

export const MESSENGER_NAMESPACE = '/messenger';

/** `auth` sent when connecting to /messenger. */
export interface MessengerAuth {
  /**
   * Signed token from an earlier `session`; brings a returning lead back. Keep sending it
   * after sign-in and sign-out: it links the browser's past identities (merges, blocks).
   */
  visitorToken?: string;
  /** Customer identity: userId + userHash (HMAC-SHA256 of userId with the server secret). */
  userId?: string;
  userHash?: string;
  /** Customer identity as a signed HS256 JWT (PARLEY_JWT_SECRET; claims: userId or sub, exp, email?, name?). */
  jwt?: string;
  email?: string;
  name?: string;
  /**
   * A stable id of this browser or app install (1–64 chars of [A-Za-z0-9_-]), kept apart from
   * the visitor token; a block with scope `device_and_ip` also blocks new leads from it.
   */
  deviceId?: string;
}

export interface SessionPayload {
  contact: SessionContact;
  /**
   * Leads only: a signed token that brings this lead back (keep it; it is reissued with a
   * later expiry at every connect). Customers get none: they prove who they are each time.
   */
  visitorToken?: string;
}

export interface SendMessagePayload {
  /** Idempotency key chosen by the client; resending it never stores a second message. */
  clientId: string;
  /** Absent: the contact's latest open conversation, or a new one. */
  conversationId?: string;
  body: string;
}

export interface HistoryPayload {
  /** Last message id the client has; absent for the whole history (latest page). */
  since?: string | null;
}

export interface TypingPayload {
  conversationId: string;
  typing: boolean;
}

export interface MessengerClientEvents {
  'message:send': (payload: SendMessagePayload, ack: AckFn<{ message: MessageDto }>) => void;
  'history:fetch': (payload: HistoryPayload, ack: AckFn<{ messages: MessageDto[]; hasMore: boolean }>) => void;
  typing: (payload: TypingPayload) => void;
}

export interface MessengerServerEvents {
  session: (payload: SessionPayload) => void;
  'message:new': (message: MessageDto) => void;
  'contact:blocked': (payload: { contactId: string; blockedUntil?: string | null }) => void;
  'contact:unblocked': (payload: { contactId: string }) => void;
  'agent:typing': (payload: TypingPayload & { name?: string | null }) => void;
}
