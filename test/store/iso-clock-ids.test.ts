import { afterEach, describe, expect, it, vi } from 'vitest';
import { newObjectId } from '../../server/store/ids.js';
import { IsoClock } from '../../server/store/iso-clock.js';

afterEach(() => vi.useRealTimers());

describe('IsoClock', () => {
  it('answers what new Date().toISOString() would at each instant', () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T10:00:00.000Z') });
    const clock = new IsoClock();
    for (const step of [0, 0, 1, 999, 0, 86_400_000]) {
      vi.advanceTimersByTime(step);
      expect(clock.now()).toBe(new Date().toISOString());
    }
  });
});

describe('newObjectId', () => {
  it('is 24 hex chars: the second, this process, then a counter that moves on by one', () => {
    const at = Date.parse('2026-03-01T10:00:00.500Z');
    const a = newObjectId(at);
    const b = newObjectId(at + 1000);
    expect(a).toMatch(/^[0-9a-f]{24}$/);
    expect(a.slice(0, 8)).toBe((at / 1000 | 0).toString(16).padStart(8, '0'));
    expect(b.slice(0, 8)).toBe(((at + 1000) / 1000 | 0).toString(16).padStart(8, '0'));
    expect(b.slice(8, 18)).toBe(a.slice(8, 18));
    expect(parseInt(b.slice(18), 16)).toBe((parseInt(a.slice(18), 16) + 1) % 0xffffff);
  });
});
