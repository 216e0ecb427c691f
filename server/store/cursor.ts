/** Opaque list cursors: base64url of the last row's sequence number. */
export function encodeCursor(seq: number | string): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

/** Returns the sequence number, or null when the cursor is not one of ours. */
export function decodeCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^s:(\d{1,18})$/.exec(text);
  return m ? Number(m[1]) : null;
}
