import { describe, expect, it } from 'vitest';
import { formatTime } from '../../widget/i18n.js';

describe('message times', () => {
  const now = new Date(2026, 2, 12, 18, 0);
  const at = new Date(2026, 2, 12, 9, 3).toISOString();

  it('follow the locale the same way the console does (Intl, 2-digit clock)', () => {
    const console = (locale: string) => new Date(at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
    for (const locale of ['en-GB', 'en-US', 'fr-FR', 'de-DE']) expect(formatTime(at, locale, now)).toBe(console(locale));
    expect(formatTime(at, 'en-GB', now)).toBe('09:03');
  });

  it('add the date for earlier days and survive a malformed locale or date', () => {
    expect(formatTime(at, 'en-GB', new Date(2026, 2, 14))).toBe('12 Mar, 09:03');
    expect(formatTime(at, 'not a locale!', now)).toMatch(/09.03/);
    expect(formatTime('nonsense', 'en-GB', now)).toBe('');
  });
});
