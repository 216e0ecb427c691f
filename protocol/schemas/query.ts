import * as v from 'valibot';

/** The rules every REST query string and date follows: paging and ISO 8601 date-times. */

/** An ISO 8601 date-time (e.g. 2030-01-01T00:00:00Z), read as a UTC timestamp. */
export const IsoDateTime = v.pipe(
  v.string(),
  v.maxLength(40),
  v.isoTimestamp('must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z'),
  v.transform((s) => new Date(s).toISOString()),
);

// The format server/store/cursor.ts writes (base64url of "s:<seq>"); checked here so a
// cursor we never issued is refused at the edge instead of reading as "from the start".
const isListCursor = (c: string) => {
  try {
    return /^s:\d{1,18}$/.test(atob(c.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return false;
  }
};

/** `limit` 1–100 (default 10) and an opaque `cursor` from the previous page's `nextCursor`. */
export const PageQuery = v.looseObject({
  limit: v.optional(v.pipe(
    v.string(),
    v.regex(/^\d{1,3}$/, 'must be an integer from 1 to 100'),
    v.transform(Number),
    v.minValue(1, 'must be an integer from 1 to 100'),
    v.maxValue(100, 'must be an integer from 1 to 100'),
  ), '10'),
  cursor: v.optional(v.pipe(
    v.string(),
    v.maxLength(100),
    v.check((c) => c === '' || isListCursor(c), 'is not a cursor this server issued'),
    v.transform((c) => c || null),
  ), ''),
});
