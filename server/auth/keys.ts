import { hkdfSync } from 'node:crypto';

/**
 * Internal keys derived from PARLEY_SECRET with HKDF-SHA256, one `info` per purpose.
 * PARLEY_SECRET itself only computes customers' userHash (the value a customer's backend
 * also computes), so a userHash obtained for a chosen userId can never stand in for a
 * console session or a visitor token: those are MACed with unrelated keys.
 */
export interface InternalKeys {
  /** Console session cookies. */
  session: Buffer;
  /** Visitor tokens of returning leads. */
  visitorToken: Buffer;
  /** Unsubscribe links in follow-up emails. */
  unsubscribe: Buffer;
  /** Hashes of agents' email invitation tokens (only the hash is stored). */
  invite: Buffer;
}

const SALT = 'parley/hkdf/v1';

export const deriveKey = (secret: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, SALT, `parley:${purpose}`, 32));

export function deriveKeys(secret: string): InternalKeys {
  return { session: deriveKey(secret, 'console-session'), visitorToken: deriveKey(secret, 'visitor-token'), unsubscribe: deriveKey(secret, 'email-unsubscribe'), invite: deriveKey(secret, 'agent-invite') };
}
