import { createHmac, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';

/**
 * HMAC-SHA256 of the userId with PARLEY_SECRET, hex (Intercom-style identity verification).
 * The only thing PARLEY_SECRET keys directly: internal tokens use derived keys (auth/keys.ts).
 */
export function userHash(userId: string, secret: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function verifyUserHash(userId: string, hash: string, secret: string): boolean {
  return safeEqual(userHash(userId, secret), hash.toLowerCase());
}

/** What an authentic visitor token says; the caller checks expiry and epoch against the contact. */
export interface VisitorToken {
  contactId: string;
  /** The lead's token epoch when issued: promotion, merge or deletion bump it. */
  epoch: number;
  expiresAt: number;
}

const tokenMac = (payload: string, key: Buffer) => createHmac('sha256', key).update(payload).digest('base64url');

/**
 * Visitor tokens identify a returning lead: `v2.<contactId>.<epoch>.<expiresAtSeconds>.<mac>`,
 * MACed with the visitor-token key derived from PARLEY_SECRET. Reissued at every connect, so
 * the expiry slides while the lead keeps coming back.
 */
export function signVisitorToken(contactId: string, epoch: number, key: Buffer, ttlSeconds: number, now = Date.now()): string {
  const payload = `${contactId}.${epoch}.${Math.floor(now / 1000) + Math.round(ttlSeconds)}`;
  return `v2.${payload}.${tokenMac(payload, key)}`;
}

/** An authentic token's contents (expired or not), or null for anything forged or malformed. */
export function readVisitorToken(token: string, key: Buffer): VisitorToken | null {
  const m = /^v2\.([0-9a-f]{24})\.(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || !safeEqual(tokenMac(`${m[1]}.${m[2]}.${m[3]}`, key), m[4])) return null;
  return { contactId: m[1], epoch: Number(m[2]), expiresAt: Number(m[3]) * 1000 };
}

export interface JwtIdentity {
  userId: string;
  email?: string;
  name?: string;
}

/**
 * Verifies an HS256 identity JWT (like Featurebase's featurebaseJwt) with PARLEY_JWT_SECRET.
 * It must carry `exp`, at most `maxAgeSeconds` ahead; an `iat` older than that is refused too.
 * The answer says why a token was refused.
 */
export async function verifyIdentityJwt(jwt: string, secret: string, maxAgeSeconds: number, now = Date.now()): Promise<JwtIdentity | string> {
  let payload;
  try {
    ({ payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), { algorithms: ['HS256'], requiredClaims: ['exp'], currentDate: new Date(now) }));
  } catch {
    return 'The identity JWT is invalid or expired (HS256 with PARLEY_JWT_SECRET, exp required).';
  }
  const seconds = now / 1000;
  if (payload.exp! - seconds > maxAgeSeconds) return `The identity JWT must expire within ${maxAgeSeconds} s.`;
  if (typeof payload.iat === 'number' && seconds - payload.iat > maxAgeSeconds) return `The identity JWT was issued more than ${maxAgeSeconds} s ago.`;
  const userId = payload.userId ?? payload.sub;
  if (typeof userId !== 'string' || !userId || userId.length > 255) return 'The identity JWT carries no userId (or sub).';
  return {
    userId,
    email: typeof payload.email === 'string' && payload.email.length <= 320 ? payload.email : undefined,
    name: typeof payload.name === 'string' ? payload.name.slice(0, 255) : undefined,
  };
}
