/** Inbox cursors: base64url of the last row's (lastActivityAt, conversation id). */
export function encodeInboxCursor(lastActivityAt: string, conversationId: string): string {
  return Buffer.from(`i:${lastActivityAt}|${conversationId}`).toString('base64url');
}

/** The position, or null when the cursor is not one of ours. */
export function decodeInboxCursor(cursor: string): { at: string; id: number } | null {
  const m = /^i:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z)\|(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? { at: m[1], id: Number(m[2]) } : null;
}

/** `%` and `_` match themselves in a LIKE pattern (escape character `\`). */
export const likePattern = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The columns of `row` named `<prefix>x`, as `x` (inbox rows alias joined tables' columns). */
export const prefixed = (row: Record<string, any>, prefix: string): Record<string, any> =>
  Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
