import type { ContactSummary } from '../protocol/agents.js';

/** The one mark for "no value" in every table, panel and list. */
export const EMPTY = '—';

/** "Ann Lee", else the email, else "Visitor 3f2a1c". */
export const displayName = (c: Pick<ContactSummary, 'name' | 'email' | 'id'>) => c.name || c.email || `Visitor ${c.id.slice(-6)}`;

/** Up to two capitals of a name or email ("Ann Lee" → "AL"). */
export const initialsOf = (name: string) =>
  name
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');

export const initials = (c: Pick<ContactSummary, 'name' | 'email' | 'id'>) => initialsOf(displayName(c));

// The browser's locale (undefined = the user's own), with the widget's options (widget/i18n.ts
// formatTime), so an agent and a visitor with the same locale read the same times.
const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
const DAY_TIME: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' };
const FULL: Intl.DateTimeFormatOptions = { ...DAY_TIME, year: 'numeric' };
const fmt = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(undefined, opts);
const formats = { time: fmt(TIME), dayTime: fmt(DAY_TIME), full: fmt(FULL), weekday: fmt({ weekday: 'short' }), day: fmt({ day: 'numeric', month: 'short' }) };

/** "now", "5m", "3h", "Mon", "12 Mar": compact, for lists. */
export function shortTime(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  const s = Math.max(0, (now - t) / 1000);
  if (s < 60) return 'now';
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return (s < 6 * 86400 ? formats.weekday : formats.day).format(t);
}

/** "12 Mar 2026, 14:05" */
export const fullTime = (iso: string | null) => (iso ? formats.full.format(new Date(iso)) : EMPTY);

/** "14:05" today, "12 Mar, 14:05" otherwise: what the widget shows for the same message. */
export function clockTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (isNaN(+d)) return '';
  return (d.toDateString() === now.toDateString() ? formats.time : formats.dayTime).format(d);
}
