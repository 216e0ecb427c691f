import { timingSafeEqual } from 'node:crypto';

/** Whether an Authorization header carries `Bearer <apiKey>` (compared in constant time). */
export function bearerMatches(header: string | undefined, apiKey: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1].trim());
  const want = Buffer.from(apiKey);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The REST keys in force: the current one, and during a rotation's grace period the one before. */
export interface ApiKeys {
  apiKey: string;
  previousApiKey: { key: string; until: number } | null;
}

/** Whether an Authorization header carries a key in force now (`parley key rotate` explains the grace period). */
export function keyAccepted(header: string | undefined, keys: ApiKeys, now = Date.now()): boolean {
  if (bearerMatches(header, keys.apiKey)) return true;
  const previous = keys.previousApiKey;
  return previous !== null && now < previous.until && bearerMatches(header, previous.key);
}
