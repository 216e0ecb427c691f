import type { TeamInfo } from '../protocol/messenger.js';

/** "Monday 09:00 (Paris)": when the team is back, weekday in the visitor's language, the business's clock and zone. */
export function backAt(back: NonNullable<TeamInfo['back']>, locale?: string): string {
  // 2024-01-07 was a Sunday: day 0.
  let weekday: string;
  try {
    weekday = new Date(2024, 0, 7 + back.day).toLocaleDateString(locale, { weekday: 'long' });
  } catch {
    weekday = new Date(2024, 0, 7 + back.day).toLocaleDateString(undefined, { weekday: 'long' });
  }
  return `${weekday} ${back.time} (${back.timezone.split('/').pop()!.replace(/_/g, ' ')})`;
}
