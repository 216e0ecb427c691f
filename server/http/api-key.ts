import { timingSafeEqual } from 'node:crypto';

/** Whether an Authorization header carries `Bearer <apiKey>` (compared in constant time). */
export function bearerMatches(header: string | undefined, apiKey: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1].trim());
  const want = Buffer.from(apiKey);
  return given.length === want.length && timingSafeEqual(given, want);
}
