import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SESSION_COOKIE } from '../../protocol/agents.js';

/** How long a console sign-in lasts. */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

// Keyed with the session key derived from PARLEY_SECRET (server/auth/keys.ts), never the secret itself.
const mac = (payload: string, key: Buffer) => createHmac('sha256', key).update(payload).digest('base64url');

/**
 * `s3.<agentId>.<epoch>.<expiresAtSeconds>.<hmac>`. The epoch is the agent's session epoch
 * when it signed in; signing out bumps it, so the token dies with the sign-out.
 */
export function signSession(agentId: string, epoch: number, key: Buffer, now = Date.now(), ttl = SESSION_TTL_SECONDS): string {
  const payload = `${agentId}.${epoch}.${Math.floor(now / 1000) + ttl}`;
  return `s3.${payload}.${mac(payload, key)}`;
}

/** The agent id and epoch inside a valid, unexpired token, or null. */
export function verifySession(token: string, key: Buffer, now = Date.now()): { agentId: string; epoch: number; expiresAt: number } | null {
  const m = /^s3\.([0-9a-f]{24})\.(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const want = Buffer.from(mac(`${m[1]}.${m[2]}.${m[3]}`, key));
  const got = Buffer.from(m[4]);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  return Number(m[3]) * 1000 > now ? { agentId: m[1], epoch: Number(m[2]), expiresAt: Number(m[3]) * 1000 } : null;
}

/** The session cookie's value from a Cookie header, if any. */
export function sessionFromHeaders(headers: IncomingHttpHeaders): string | null {
  for (const part of (headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return part.slice(i + 1).trim();
  }
  return null;
}

/** True when the browser reached us over https (directly or through a proxy that says so). */
export function isHttps(headers: IncomingHttpHeaders, encrypted: boolean): boolean {
  const proto = String(headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase();
  return encrypted || proto === 'https';
}

/** Cookie attributes of a sign-in (a token) or a sign-out (clearing it). */
export function sessionCookieOptions(signingIn: boolean, secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax', maxAge: signingIn ? SESSION_TTL_SECONDS : 0, secure } as const;
}

/**
 * Same-origin check for cookie-authenticated writes and socket handshakes: a browser
 * always sends Origin on those; when present it must name this host.
 */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
