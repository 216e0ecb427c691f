import { LIST_CURSOR_TEXT } from '../../protocol/schemas/query.js';

/** Opaque list cursors: base64url of the last row's sequence number. */
export function encodeCursor(seq: number | string): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

/** Returns the sequence number, or null when the cursor is not one of ours. */
export function decodeCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = LIST_CURSOR_TEXT.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * One page from `limit + 1` rows fetched in list order: the extra row only says there is
 * more, and the cursor names the last row returned.
 */
export function pageOf<T>(rows: Record<string, any>[], limit: number, map: (r: Record<string, any>) => T, seqOf: (r: Record<string, any>) => number | string = (r) => r.seq): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: more ? encodeCursor(seqOf(items[items.length - 1])) : null };
}
