import * as v from 'valibot';
import type { Logger } from 'pino';
import type { SessionPayload } from '../../protocol/messenger.js';
import { MessengerAuthSchema } from '../../protocol/schemas/messenger.js';
import type { Config } from '../config.js';
import type { Core } from '../core/core.js';
import type { CarriedFrom } from '../core/events.js';
import type { ContactRecord } from '../store/store.js';
import { sessionContact } from './dto.js';
import { readVisitorToken, signVisitorToken, verifyIdentityJwt, verifyUserHash } from './identity.js';
import { refuse } from './socket-validation.js';

type Auth = v.InferOutput<typeof MessengerAuthSchema>;

type Carry = { from: ContactRecord; via: CarriedFrom['via'] };
/**
 * Works out who is connecting, and makes a block follow the person:
 * - a customer proves who they are on every connect (userId + userHash, or a JWT); a live
 *   lead token on the same connection is rolled up into that customer (a block the lead
 *   earned follows it);
 * - a lead comes back with its token while the token is live (same epoch, not expired);
 * - anyone else is a new lead, created blocked when the connection carries a blocked
 *   contact's token (even a stale one) or device id, whatever the block scope.
 */
export async function identifyVisitor(core: Core, config: Config, logger: Logger, rawAuth: unknown, newLead: () => Promise<void>, ip: string): Promise<ContactRecord> {
  const parsed = v.safeParse(MessengerAuthSchema, rawAuth ?? {});
  if (!parsed.success) throw refuse('invalid_payload', 'The messenger auth payload is invalid.');
  const auth = parsed.output;
  const token = auth.visitorToken ? readVisitorToken(auth.visitorToken, config.keys.visitorToken) : null;
  if (auth.visitorToken && !token) throw refuse('identity_invalid', 'The visitor token is invalid; connect without it to start afresh.');
  // The contact this browser's token names (authentic, but maybe stale), and whether it still opens that lead.
  const read = token ? await core.contacts.findWithSeen(token.contactId) : null;
  const held = read?.contact ?? null;
  const liveLead = held && held.type === 'lead' && !held.mergedInto && held.tokenEpoch === token!.epoch && token!.expiresAt > Date.now() ? held : null;

  let contact: ContactRecord;
  const claimed = await claimedCustomer(core, config, auth);
  if (claimed) {
    contact = liveLead ? await core.contacts.mergeLead(liveLead, claimed.customer) : claimed.customer;
    // A userId taken on trust (PARLEY_REQUIRE_IDENTITY_VERIFICATION=false) proves nothing: blocks carry over as for a lead.
    if (!claimed.proven) contact = await carryInto(core, contact, await core.contacts.blockedLink({ tokenContactId: held?.id, deviceId: auth.deviceId, except: contact.id }));
  } else if (liveLead) {
    contact = await carryInto(core, liveLead, auth.deviceId ? await core.contacts.blockedLink({ deviceId: auth.deviceId, except: liveLead.id }) : null);
  } else {
    await newLead();
    const carry = await core.contacts.blockedLink({ tokenContactId: held?.id, deviceId: auth.deviceId });
    // Under a wider block (this IP or device) the lead is also created already blocked.
    contact = await core.contacts.createLead({ email: auth.email, name: auth.name }, { ip, deviceId: auth.deviceId }, carry);
  }
  // Where this contact connects from: wider blocks cover its IP, carry-over its devices.
  // A returning visitor on the same address and device (the usual page view) writes nothing.
  const known = read && contact.id === read.contact.id ? read.seen : null;
  await core.contacts.recordSeen(contact.id, { ip, deviceId: auth.deviceId }, known).catch((err) => logger.warn({ err }, 'recording where a contact connects from failed'));
  return contact;
}

/** The customer a userId/userHash or JWT names (created on first sight), or null when none is claimed. */
async function claimedCustomer(core: Core, config: Config, auth: Auth): Promise<{ customer: ContactRecord; proven: boolean } | null> {
  if (auth.jwt) {
    if (!config.jwtSecret) throw refuse('identity_invalid', 'JWT identity is off on this server (PARLEY_JWT_SECRET is not set); use userId and userHash.');
    const claims = await verifyIdentityJwt(auth.jwt, config.jwtSecret, config.jwtMaxAgeSeconds);
    if (typeof claims === 'string') throw refuse('identity_invalid', claims);
    // The email inside a signed JWT comes from the business: verified.
    return { customer: await core.contacts.identifyCustomer(claims, true), proven: true };
  }
  if (!auth.userId) return null;
  if (auth.userHash && !verifyUserHash(auth.userId, auth.userHash, config.secret)) throw refuse('identity_invalid', 'The userHash does not match the userId.');
  if (!auth.userHash && config.requireIdentityVerification) throw refuse('identity_invalid', 'A userHash or JWT is required to identify a user.');
  // userHash signs the userId only: an email sent next to it is a claim, kept unverified.
  return { customer: await core.contacts.identifyCustomer({ userId: auth.userId, email: auth.email, name: auth.name }), proven: !!auth.userHash };
}

const carryInto = (core: Core, contact: ContactRecord, carry: Carry | null) =>
  carry ? core.contacts.carryBlock(contact, carry.from, carry.via) : Promise.resolve(contact);

/** The `session` event: a lead gets a fresh token (its expiry slides); a customer gets none and proves itself each time. */
export function sessionPayload(contact: ContactRecord, config: Config, extra: Pick<SessionPayload, 'followup' | 'team'>): SessionPayload {
  return {
    contact: sessionContact(contact),
    ...extra,
    ...(contact.type === 'lead' ? { visitorToken: signVisitorToken(contact.id, contact.tokenEpoch, config.keys.visitorToken, config.visitorTokenTtlSeconds) } : {}),
  };
}
