import * as v from 'valibot';
import type { Logger } from 'pino';
import type { SessionPayload } from '../../protocol/messenger.js';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import type { ContactRecord } from '../store/store.js';
import { sessionContact } from './dto.js';
import { signVisitorToken, verifyIdentityJwt, verifyUserHash, verifyVisitorToken } from './identity.js';
import { refuse } from './socket-validation.js';

const text = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)));
const Auth = v.object({
  visitorToken: text(200),
  userId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  userHash: text(128),
  jwt: text(4096),
  email: v.optional(v.pipe(v.string(), v.maxLength(320), v.email())),
  name: text(255),
  deviceId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/))),
});

/** Works out who is connecting: a verified customer, a returning lead, or a new lead. */
export async function identifyVisitor(core: Core, config: Config, logger: Logger, rawAuth: unknown, newLead: () => Promise<void>, ip: string): Promise<ContactRecord> {
  const parsed = v.safeParse(Auth, rawAuth ?? {});
  if (!parsed.success) throw refuse('invalid_payload', 'The messenger auth payload is invalid.');
  const auth = parsed.output;
  const contact = await identify(core, config, auth, newLead, ip);
  // Where this contact connects from, so a wider block can cover its IP and device.
  await core.contacts.recordSeen(contact.id, { ip, deviceId: auth.deviceId }).catch((err) => logger.warn({ err }, 'recording the contact IP failed'));
  return contact;
}

async function identify(core: Core, config: Config, auth: v.InferOutput<typeof Auth>, newLead: () => Promise<void>, ip: string): Promise<ContactRecord> {
  if (auth.jwt) {
    const claims = await verifyIdentityJwt(auth.jwt, config.jwtSecret ?? '');
    if (!claims) throw refuse('identity_invalid', 'The identity JWT is invalid or expired.');
    return core.contacts.identifyCustomer(claims);
  }
  if (auth.userId) {
    const verified = auth.userHash ? verifyUserHash(auth.userId, auth.userHash, config.secret) : !config.requireIdentityVerification;
    if (!verified) throw refuse('identity_invalid', auth.userHash ? 'The userHash does not match the userId.' : 'A userHash or JWT is required to identify a user.');
    return core.contacts.identifyCustomer({ userId: auth.userId, email: auth.email, name: auth.name });
  }
  if (auth.visitorToken) {
    const contactId = verifyVisitorToken(auth.visitorToken, config.keys.visitorToken.toString('base64url'));
    if (!contactId) throw refuse('identity_invalid', 'The visitor token is invalid.');
    const contact = await core.store.getContact(contactId);
    // A deleted contact's visitor starts afresh as a new lead.
    if (contact) return contact;
  }
  await newLead();
  // Under a wider block (this IP or device) the lead is created already blocked.
  return core.contacts.createLead({ email: auth.email, name: auth.name }, { ip, deviceId: auth.deviceId });
}

/** The `session` event for a freshly connected visitor. */
export function sessionPayload(contact: ContactRecord, config: Config): SessionPayload {
  return { contact: sessionContact(contact), visitorToken: signVisitorToken(contact.id, config.keys.visitorToken.toString('base64url')) };
}
