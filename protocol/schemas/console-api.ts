import * as v from 'valibot';
import { MAX_PASSWORD_LENGTH } from '../agents.js';
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
export const AgentPatch = v.object({ active: v.boolean() });
export const PasswordReset = v.optional(v.object({ password: v.optional(v.nullable(password)) }), {});
export const PasswordChange = v.object({ currentPassword: password, newPassword: password });
