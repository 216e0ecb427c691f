import type { ErrorBody } from './errors.js';

export type ContactType = 'customer' | 'lead';
export type AuthorType = ContactType | 'admin';
export type MessageType = 'reply' | 'note';
export type ConversationState = 'open' | 'closed' | 'snoozed';

/** A message as the widget and console see it. */
export interface MessageDto {
  id: string;
  conversationId: string;
  /** The sender's idempotency key, echoed so optimistic UIs can match their pending copy. */
  clientId: string | null;
  /**
   * `id` is internal: sent to agents and REST, never to visitors (they see the display name).
   * `avatarUrl`: an agent's picture, a path on the Parley server (absent: show initials).
   */
  author: { type: AuthorType; id?: string; name?: string | null; avatarUrl?: string };
  body: string;
  messageType: MessageType;
  createdAt: string;
  /** Set when the message was redacted (its body is then empty). */
  redacted?: true;
}

export interface SessionContact {
  id: string;
  type: ContactType;
  blocked: boolean;
  name: string | null;
  email: string | null;
}

/** Socket ack: success carries data, failure an error from the catalog. */
export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckFn<T> = (res: Ack<T>) => void;
