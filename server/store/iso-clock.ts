/**
 * The current time as an ISO string, formatted once per millisecond: `toISOString` costs
 * more than a message insert, and a group-commit batch appends many messages in the same
 * millisecond. Same string as `new Date().toISOString()` at every instant.
 */
export class IsoClock {
  private ms = NaN;
  private iso = '';

  now(): string {
    const ms = Date.now();
    if (ms !== this.ms) {
      this.ms = ms;
      this.iso = new Date(ms).toISOString();
    }
    return this.iso;
  }
}

/*
 * A millisecond time as its ISO string, remembered: the rules compare ISO strings against the
 * start of each window, and the messages of one transaction mostly share their millisecond, so
 * most cut-offs are a lookup rather than a new Date and a new string.
 */
const made = new Map<number, string>();
const KEPT = 64;

/** `new Date(ms).toISOString()`, made once for recently asked times. */
export function isoAt(ms: number): string {
  let iso = made.get(ms);
  if (iso === undefined) {
    if (made.size >= KEPT) made.clear();
    made.set(ms, (iso = new Date(ms).toISOString()));
  }
  return iso;
}
