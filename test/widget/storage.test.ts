import { describe, expect, it } from 'vitest';
import { createStorage } from '../../widget/storage.js';

const throwing = {
  get localStorage(): Storage {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  },
};

describe('visitor token storage', () => {
  it('falls back to memory when localStorage is blocked', () => {
    const s = createStorage('parley:https://a.test:', throwing);
    s.set('token', 't1');
    expect(s.get('token')).toBe('t1');
    s.del('token');
    expect(s.get('token')).toBeNull();
  });

  it('keys values by prefix, so two servers never share a token', () => {
    const data = new Map<string, string>();
    const ls = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    } as Storage;
    createStorage('parley:https://a.test:', { localStorage: ls }).set('token', 'a');
    expect(createStorage('parley:https://b.test:', { localStorage: ls }).get('token')).toBeNull();
    expect(data.get('parley:https://a.test:token')).toBe('a');
  });

  it('keeps working in memory when a write fails (quota)', () => {
    const ls = {
      getItem: () => null,
      setItem: (k: string) => {
        if (!k.endsWith('?')) throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => {},
    } as unknown as Storage;
    const s = createStorage('p:', { localStorage: ls });
    s.set('token', 'x');
    expect(s.get('token')).toBe('x');
  });
});
