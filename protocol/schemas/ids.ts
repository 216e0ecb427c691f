import * as v from 'valibot';
import { MAX_BODY_LENGTH, MAX_CLIENT_ID_LENGTH } from '../limits.js';

/**
 * The one definition of each id and shared field, for REST, sockets and OpenAPI. Runtime
 * schemas: the widget imports types from here only (`import type`), never the values.
 */

/** Contacts, messages, agents, webhooks, block events: 24 lowercase hex characters. */
const OBJECT_ID = /^[0-9a-f]{24}$/;
export const ObjectId = v.pipe(v.string(), v.regex(OBJECT_ID, 'must be a 24-character hex id'));
/** Conversations: a positive integer as a string (up to 16 digits). */
const SHORT_ID = /^[1-9][0-9]{0,15}$/;
export const ConversationId = v.pipe(v.string(), v.regex(SHORT_ID, 'must be a conversation id'));
/** Idempotency key chosen by the client. */
export const ClientId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_CLIENT_ID_LENGTH));
/** A stable id of a browser or app install. */
export const DeviceId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ -'));
export const Email = v.pipe(v.string(), v.maxLength(320), v.email('must be an email address'));
/** A message body as parsed; the length rule itself is the core's (message_too_long). */
export const MessageBody = v.pipe(v.string(), v.maxLength(MAX_BODY_LENGTH * 4, 'is far too long'));
export const shortText = (max: number) => v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`));
