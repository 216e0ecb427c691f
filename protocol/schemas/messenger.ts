import * as v from 'valibot';
import { ClientId, ConversationId, DeviceId, Email, MessageBody, ObjectId, shortText } from './ids.js';

/** `auth` of a /messenger connection. */
export const MessengerAuthSchema = v.object({
  /**
   * Signed token from an earlier `session`; brings a returning lead back. Keep sending it
   * after sign-in and sign-out: it links the browser's past identities (merges, blocks).
   */
  visitorToken: v.optional(shortText(200)),
  /** Customer identity: userId + userHash (hex HMAC-SHA256 of userId with PARLEY_SECRET). */
  userId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  userHash: v.optional(shortText(128)),
  /** Customer identity as an HS256 JWT (PARLEY_JWT_SECRET; claims: userId or sub, exp, email?, name?). */
  jwt: v.optional(shortText(4096)),
  email: v.optional(Email),
  name: v.optional(shortText(255)),
  /** A stable id of this browser or app install, kept apart from the token (carry-over, wider blocks). */
  deviceId: v.optional(DeviceId),
});

export const SendMessageSchema = v.pipe(
  v.object({
    clientId: ClientId,
    conversationId: v.optional(ConversationId),
    /** Starts a new conversation with this message (the visitor's "New conversation"), created with it in one transaction. */
    newConversation: v.optional(v.boolean()),
    body: MessageBody,
  }),
  v.check((p) => !(p.conversationId && p.newConversation), 'conversationId and newConversation are exclusive'),
);

/** `conversations:list`: the visitor's own conversations, newest first; `cursor` from the previous page. */
export const ConversationsListSchema = v.optional(v.object({ cursor: v.optional(shortText(100)) }), {});

/**
 * `history:fetch`: `since` pages forward from a message the client has; `before` pages back
 * from the oldest one it has (scrolling up). Not both.
 */
export const HistoryFetchSchema = v.optional(
  v.pipe(
    v.object({ since: v.optional(v.nullable(ObjectId)), before: v.optional(ObjectId) }),
    v.check((p) => !(p.since && p.before), 'since and before are exclusive'),
  ),
  {},
);

export const TypingSchema = v.object({ conversationId: ConversationId, typing: v.boolean() });

/** `page:context`: the page the messenger is on, sent at connect and on each page change (kept in memory only). */
export const PageContextSchema = v.object({
  url: shortText(2048),
  title: shortText(300),
  referrer: shortText(2048),
  language: shortText(35),
  timeZone: shortText(64),
});
/** `read`: the visitor has read up to this message (receipts). */
export const ReadSchema = v.object({ messageId: ObjectId });
