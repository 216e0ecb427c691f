import * as v from 'valibot';

/** The rules every REST query string and date follows: paging and ISO 8601 date-times. */

/** An ISO 8601 date-time (e.g. 2030-01-01T00:00:00Z), read as a UTC timestamp. */
export const IsoDateTime = v.pipe(
  v.string(),
  v.maxLength(40),
  v.isoTimestamp('must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z'),
  v.transform((s) => new Date(s).toISOString()),
);

/**
 * What a list cursor decodes to: base64url of "s:<seq>", written by server/store/cursor.ts.
 * Checked here too, so a cursor we never issued is refused at the edge instead of reading
 * as "from the start".
 */
export const LIST_CURSOR_TEXT = /^s:(\d{1,18})$/;
const isListCursor = (c: string) => {
  try {
    return LIST_CURSOR_TEXT.test(atob(c.replace(/-/g, '+').replace(/_/g, '/')));
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
