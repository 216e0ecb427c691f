import { createHmac, timingSafeEqual } from 'node:crypto';

// Keyed with the unsubscribe key derived from PARLEY_SECRET (server/auth/keys.ts), used for nothing else.
const mac = (payload: string, address: string, key: Buffer) => createHmac('sha256', key).update(`${payload}\n${address.toLowerCase()}`).digest('base64url');

/**
 * `u1.<contactId>.<expiresAtSeconds>.<hmac>` for the unsubscribe link of a follow-up email.
 * The MAC also covers the address it was sent to, so a link dies when the visitor leaves
 * another address (or the secret rotates), and every link expires.
 */
export function signUnsubscribe(contactId: string, address: string, key: Buffer, ttlSeconds: number, now = Date.now()): string {
  const payload = `${contactId}.${Math.floor(now / 1000) + Math.round(ttlSeconds)}`;
  return `u1.${payload}.${mac(payload, address, key)}`;
}

/** The contact id a token names if well formed and unexpired; the MAC is checked by `verifyUnsubscribe`. */
export function readUnsubscribe(token: string, now = Date.now()): { contactId: string; payload: string; mac: string } | null {
  const m = /^u1\.([0-9a-f]{24})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || Number(m[2]) * 1000 <= now) return null;
  return { contactId: m[1], payload: `${m[1]}.${m[2]}`, mac: m[3] };
}

/** True when `token` was signed for this address with this key. */
export function verifyUnsubscribe(token: NonNullable<ReturnType<typeof readUnsubscribe>>, address: string, key: Buffer): boolean {
  const want = Buffer.from(mac(token.payload, address, key));
  const got = Buffer.from(token.mac);
  return want.length === got.length && timingSafeEqual(want, got);
}
