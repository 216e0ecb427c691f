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
