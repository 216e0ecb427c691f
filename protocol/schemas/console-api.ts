import * as v from 'valibot';
import { MAX_AGENT_NAME_LENGTH, MAX_AVATAR_BYTES, MAX_PASSWORD_LENGTH, MAX_SAVED_REPLY_TITLE } from '../agents.js';
import { MAX_BODY_LENGTH } from '../limits.js';
import { Email, ObjectId, shortText } from './ids.js';

/** Bodies of the console's HTTP API (`/console/api/*`). */

const password = v.pipe(v.string(), v.maxLength(MAX_PASSWORD_LENGTH));

export const SignIn = v.object({
  email: v.pipe(v.string(), v.maxLength(320)),
  password: v.pipe(v.string(), v.maxLength(1024)),
});
export const NewAgent = v.object({
  email: Email,
  name: v.optional(shortText(255), ''),
  role: v.picklist(['admin', 'agent']),
  password,
});
export const AgentParams = v.object({ id: ObjectId });
export const AgentPatch = v.pipe(
  v.object({ active: v.optional(v.boolean()), role: v.optional(v.picklist(['admin', 'agent'])) }),
  v.check((p) => p.active !== undefined || p.role !== undefined, 'give active or role'),
);
const displayName = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_AGENT_NAME_LENGTH, `must be at most ${MAX_AGENT_NAME_LENGTH} characters`));
export const ProfilePatch = v.object({
  name: v.optional(displayName),
  avatarColor: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7))),
});
/** Base64 of at most MAX_AVATAR_BYTES (4 characters per 3 bytes, and room for a data: prefix). */
export const AvatarUpload = v.object({ image: v.pipe(v.string(), v.maxLength(Math.ceil(MAX_AVATAR_BYTES / 3) * 4 + 64, 'is larger than 1 MB')) });
const replyTitle = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_SAVED_REPLY_TITLE, `must be at most ${MAX_SAVED_REPLY_TITLE} characters`));
const replyBody = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`));
export const NewSavedReply = v.object({ title: replyTitle, body: replyBody });
export const SavedReplyPatch = v.pipe(
  v.object({ title: v.optional(replyTitle), body: v.optional(replyBody) }),
  v.check((p) => p.title !== undefined || p.body !== undefined, 'give title or body'),
);
export const SavedReplyParams = v.object({ id: ObjectId });
export const AvatarParams = v.object({ key: v.pipe(v.string(), v.regex(/^[0-9a-f]{24}$/, 'is not a picture key')) });
/** An invitation by email (admins): the invitee sets their own password. */
export const NewInvite = v.object({ email: Email, name: v.optional(shortText(255), ''), role: v.picklist(['admin', 'agent']) });
/** `i1.` and 43 base64url characters; anything longer is refused before it is hashed. */
const inviteToken = v.pipe(v.string(), v.maxLength(64));
export const InviteCheck = v.object({ token: inviteToken });
export const InviteAccept = v.object({ token: inviteToken, name: displayName, password });

export const PasswordReset = v.optional(v.object({ password: v.optional(v.nullable(password)) }), {});
export const PasswordChange = v.object({ currentPassword: password, newPassword: password });
