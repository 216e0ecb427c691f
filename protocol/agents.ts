import type * as v from 'valibot';
import type { AgentSendSchema, InboxListSchema } from './schemas/agents.js';
import type { TypingPayload } from './messenger.js';
import type { HeldMessageDto } from './protection.js';
import type { AckFn, ContactType, ConversationState, MessageDto, MessageType } from './types.js';

export type AgentRole = 'admin' | 'agent';
export const AGENT_ROLES: readonly AgentRole[] = ['admin', 'agent'];

/** A signed-in console user as the console sees it (never the password hash). */
export interface AgentDto {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  createdAt: string;
  /** Their picture (a square served by this server), or null for initials on `avatarColor`. */
  avatarUrl: string | null;
  /** 0–7: the colour behind their initials. */
  avatarColor: number;
}

/** A console account in the admins' Team panel (`GET /console/api/agents`). */
export interface TeamMemberDto extends AgentDto {
  /** When an admin deactivated the account (it cannot sign in), or null while active. */
  deactivatedAt: string | null;
  /** Invited by email and not accepted yet: when the link was sent, until when it works, whether it was withdrawn. */
  invite?: { sentAt: string; expiresAt: string; revoked: boolean } | null;
}

/** `POST /console/api/agents` (admins). */
export interface NewAgentBody {
  email: string;
  name?: string;
  role: AgentRole;
  password: string;
}

/** `PATCH /console/api/agents/:id` (admins): deactivate or reactivate, or change the role. */
export interface AgentPatchBody {
  active?: boolean;
  role?: AgentRole;
}

/** `PATCH /console/api/me`: one's own display name (what visitors see) and initials colour. */
export interface ProfilePatchBody {
  name?: string;
  avatarColor?: number;
}

/** `PUT /console/api/me/avatar`: a PNG, JPEG, WebP or GIF as base64 (a data: URL is fine), at most MAX_AVATAR_BYTES. */
export interface AvatarBody {
  image: string;
}

/** Largest picture an agent may upload, in bytes (before base64). */
export const MAX_AVATAR_BYTES = 1024 * 1024;
/** Pictures are cropped to a centred square and resized to this many pixels a side (WebP). */
export const AVATAR_PIXELS = 256;
/** A reply in the team's library (`/console/api/saved-replies`). */
export interface SavedReplyDto {
  id: string;
  title: string;
  body: string;
  createdBy: string | null;
  updatedAt: string;
}

/** Most replies the team's library holds. */
export const MAX_SAVED_REPLIES = 500;
/** Longest saved reply title. */
export const MAX_SAVED_REPLY_TITLE = 80;

/** Longest display name. */
export const MAX_AGENT_NAME_LENGTH = 80;

/** `POST /console/api/agents/:id/password` (admins): without `password`, one is generated. */
export interface PasswordResetBody {
  password?: string;
}

/** The reset account, and the generated password (shown once; null when the admin chose it). */
export interface PasswordResetResult {
  agent: TeamMemberDto;
  password: string | null;
}

/** `PUT /console/api/me/password`: every agent changes their own. */
export interface PasswordChangeBody {
  currentPassword: string;
  newPassword: string;
}

/** Shortest console password. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest console password the API reads. */
export const MAX_PASSWORD_LENGTH = 1024;

/** `GET /console/api/me` and `POST /console/api/session` answer this. */
export interface MeDto {
  agent: AgentDto;
  /** Whether this agent's role may block and unblock contacts (PARLEY_BLOCK_ROLES). */
  canBlock: boolean;
}

export interface SignInBody {
  email: string;
  password: string;
}

export interface ContactSummary {
  id: string;
  type: ContactType;
  name: string | null;
  email: string | null;
  userId: string | null;
  blocked: boolean;
  blockedAt: string | null;
  lastActivity: string | null;
  createdAt: string;
}

export interface ConversationDto {
  id: string;
  contactId: string;
  state: ConversationState;
  title: string | null;
  createdAt: string;
  lastActivityAt: string;
  /** The agent it is assigned to, or null (unassigned). */
  assigneeId: string | null;
}

/** An assignment or state change in a conversation's timeline (between its messages, by time). */
export interface TimelineEventDto {
  id: string;
  conversationId: string;
  kind: 'assigned' | 'unassigned' | 'closed' | 'reopened' | 'snoozed';
  actorType: 'admin' | 'api' | 'system';
  actorId: string | null;
  actorName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  createdAt: string;
}

/** The latest message of a conversation, body cut to a preview. */
export interface MessagePreview {
  id: string;
  authorType: MessageDto['author']['type'];
  messageType: MessageType;
  body: string;
  createdAt: string;
}

/** One inbox row: a conversation with its contact, last message and this agent's unread count. */
export interface InboxItem {
  conversation: ConversationDto;
  contact: ContactSummary;
  lastMessage: MessagePreview | null;
  /** Contact messages this agent has not read yet. */
  unread: number;
}

/** The visitor's page and browser as their open messenger reports it (memory only, gone when they leave). */
export interface VisitorContextDto {
  url: string;
  title: string;
  referrer: string;
  language: string;
  /** IANA time zone, for their local time. */
  timeZone: string;
  /** From the connection's User-Agent, e.g. "Firefox 128" and "macOS". */
  browser: string;
  os: string;
  /** When the page was reported. */
  at: string;
}

/** A block or unblock, with who did it (`actorName` resolved for agents). */
export interface BlockEventDto {
  id: string;
  contactId: string;
  action: 'block' | 'unblock';
  /** `rule`: an automatic protection rule (actorId is the rule's id). */
  actorType: 'api' | 'admin' | 'system' | 'rule';
  actorId: string | null;
  actorName: string | null;
  reason: string | null;
  createdAt: string;
}

/** The contact panel: the contact and its whole block history, oldest first. */
export interface ContactDetail {
  contact: ContactSummary;
  blockHistory: BlockEventDto[];
  /** Other contacts seen on one of this contact's devices (shared computer, or a second identity). */
  sharedDevice?: ContactSummary[];
  /** `contact:get` (the contact page): its latest conversations, newest first. */
  conversations?: ConversationDto[];
  /** `contact:get`: the attributes the business set (custom fields) and the messenger's language. */
  attributes?: Record<string, unknown>;
  locale?: string | null;
}

/**
 * `inbox:list`: `state` open also lists snoozed; `blocked` true/false filters, absent lists both; `search` is a
 * case-insensitive substring of name or email; `assignee` `me` or `unassigned` (absent: anyone's).
 */
export type InboxQuery = NonNullable<v.InferInput<typeof InboxListSchema>>;

export interface ContactsQuery {
  /** Case-insensitive substring of the name, email or userId. */
  search?: string;
  limit?: number;
  cursor?: string | null;
}

/** A reply or note; `clientId` is an idempotency key (a resend never stores twice). */
export type AgentSendPayload = v.InferInput<typeof AgentSendSchema>;

export interface BulkResult {
  contactId: string;
  ok: boolean;
  error?: { code: string; message: string };
}

export interface AgentsClientEvents {
  'inbox:list': (query: InboxQuery, ack: AckFn<{ items: InboxItem[]; nextCursor: string | null }>) => void;
  /** History including internal notes, the contact panel; marks the conversation read. */
  'conversation:open': (
    payload: { conversationId: string },
    ack: AckFn<{ conversation: ConversationDto; messages: MessageDto[]; contact: ContactDetail; timeline: TimelineEventDto[]; visitor: VisitorContextDto | null; visitorRead?: { messageId: string; readAt: string } | null }>,
  ) => void;
  'conversation:read': (payload: { conversationId: string }, ack: AckFn<Record<never, never>>) => void;
  'conversation:reply': (payload: AgentSendPayload, ack: AckFn<{ message: MessageDto }>) => void;
  /** An internal note: other agents see it, the visitor never does. */
  'conversation:note': (payload: AgentSendPayload, ack: AckFn<{ message: MessageDto }>) => void;
  'conversation:close': (payload: { conversationId: string }, ack: AckFn<{ conversation: ConversationDto }>) => void;
  'conversation:reopen': (payload: { conversationId: string }, ack: AckFn<{ conversation: ConversationDto }>) => void;
  /** Assigns to an active agent, or unassigns with null; every console sees it live. */
  'conversation:assign': (payload: { conversationId: string; assigneeId: string | null }, ack: AckFn<{ conversation: ConversationDto }>) => void;
  /** Relayed to the visitor as messenger `agent:typing`. */
  typing: (payload: TypingPayload) => void;
  'contact:get': (payload: { contactId: string }, ack: AckFn<ContactDetail>) => void;
  'contacts:list': (query: ContactsQuery, ack: AckFn<{ items: ContactSummary[]; nextCursor: string | null }>) => void;
  'contact:block': (payload: { contactId: string; reason?: string | null }, ack: AckFn<ContactDetail>) => void;
  'contact:unblock': (payload: { contactId: string; reason?: string | null }, ack: AckFn<ContactDetail>) => void;
  'contacts:block': (payload: { contactIds: string[]; reason?: string | null }, ack: AckFn<{ results: BulkResult[] }>) => void;
  'contacts:unblock': (payload: { contactIds: string[]; reason?: string | null }, ack: AckFn<{ results: BulkResult[] }>) => void;
}

export interface AgentsMessagePayload {
  message: MessageDto;
  conversation: ConversationDto;
  contact: ContactSummary;
}

export interface AgentsBlockPayload {
  contact: ContactSummary;
  event: BlockEventDto | null;
}

export interface AgentsServerEvents {
  /** Every stored message, notes included, from any process. */
  'message:new': (payload: AgentsMessagePayload) => void;
  /** A message was redacted: `message` has an empty body and `redacted: true`. */
  'message:redacted': (payload: { message: MessageDto }) => void;
  /** `timeline`: the assignment or state changes this update made (absent for a title edit). */
  'conversation:updated': (payload: { conversation: ConversationDto; timeline?: TimelineEventDto[] }) => void;
  'conversation:deleted': (payload: { conversationId: string; contactId: string }) => void;
  'contact:updated': (payload: { contact: ContactSummary }) => void;
  'contact:deleted': (payload: { contactId: string }) => void;
  'contact:blocked': (payload: AgentsBlockPayload) => void;
  'contact:unblocked': (payload: AgentsBlockPayload) => void;
  'visitor:typing': (payload: TypingPayload & { contactId: string }) => void;
  /** A protection rule held a contact's message (for the Held review; it is in no inbox). */
  'held:new': (payload: { held: HeldMessageDto }) => void;
  /** A held message was released (it now arrives as `message:new`) or discarded. */
  'held:removed': (payload: { heldId: string; released: boolean }) => void;
  /** The visitor's messenger moved to another page (or connected). */
  'visitor:context': (payload: { contactId: string; context: VisitorContextDto }) => void;
  /** The visitor has read the conversation up to `messageId` (receipts). */
  'visitor:read': (payload: { conversationId: string; contactId: string; messageId: string; readAt: string }) => void;
}

/** Most contacts one bulk block/unblock takes. */
export const MAX_BULK_CONTACTS = 100;
/** Longest block/unblock reason. */
export const MAX_REASON_LENGTH = 500;
/** Name of the console session cookie. */
export const SESSION_COOKIE = 'parley_session';

/** The data of a successful ack of `E` (`never` for events without an ack). */
export type AgentsAckData<E extends keyof AgentsClientEvents> = AgentsClientEvents[E] extends (payload: any, ack: AckFn<infer T>) => void ? T : never;

/** `GET /console/api/email-delivery`: where follow-up emails go (`dir` for admins only). */
export interface EmailDeliveryDto {
  transport: 'smtp' | 'files';
  dir: string | null;
}
