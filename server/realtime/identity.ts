import { createHmac, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';

/** HMAC-SHA256 of the userId with the secret, hex (Intercom-style identity verification). */
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

/**
 * Visitor tokens identify a returning lead: `v1.<contactId>.<hmac>`. The hmac is keyed
 * with a purpose label so a token can never pass as a userHash.
 */
export function signVisitorToken(contactId: string, secret: string): string {
  return `v1.${contactId}.${createHmac('sha256', secret).update(`visitor:${contactId}`).digest('base64url')}`;
}

/** The contact id inside a valid token, or null. */
export function verifyVisitorToken(token: string, secret: string): string | null {
  const m = /^v1\.([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  return safeEqual(signVisitorToken(m[1], secret), token) ? m[1] : null;
}

export interface JwtIdentity {
  userId: string;
  email?: string;
  name?: string;
}

/** Verifies an HS256 JWT (like Featurebase's featurebaseJwt); expired or tampered tokens fail. */
export async function verifyIdentityJwt(jwt: string, secret: string): Promise<JwtIdentity | null> {
  try {
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    const userId = payload.userId ?? payload.sub;
    if (typeof userId !== 'string' || !userId) return null;
    return {
      userId,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      name: typeof payload.name === 'string' ? payload.name : undefined,
    };
  } catch {
    return null;
  }
}
