import type { ContactSummary } from '../protocol/agents.js';

/** "Ann Lee", else the email, else "Visitor 3f2a1c". */
export const displayName = (c: Pick<ContactSummary, 'name' | 'email' | 'id'>) => c.name || c.email || `Visitor ${c.id.slice(-6)}`;

export const initials = (c: Pick<ContactSummary, 'name' | 'email' | 'id'>) =>
  displayName(c)
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');

/** "now", "5m", "3h", "Mon", "12 Mar": compact, for lists. */
export function shortTime(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  const s = Math.max(0, (now - t) / 1000);
  if (s < 60) return 'now';
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  const d = new Date(t);
  if (s < 6 * 86400) return d.toLocaleDateString(undefined, { weekday: 'short' });
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** "12 Mar 2026, 14:05" */
export const fullTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }) : '—';

export const clockTime = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
