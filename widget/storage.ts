/** localStorage that never throws: blocked or full storage falls back to memory. */
export interface SafeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  del(key: string): void;
}

/** Keys are prefixed (the widget keys them by server URL) so two servers never share a token. */
export function createStorage(prefix: string, win: { localStorage?: Storage } = globalThis): SafeStorage {
  const mem = new Map<string, string>();
  let ls: Storage | null = null;
  try {
    ls = win.localStorage ?? null;
    ls?.setItem(prefix + '?', '1');
    ls?.removeItem(prefix + '?');
  } catch {
    ls = null; // Safari private mode, sandboxed iframes, "block all cookies", quota
  }
  return {
    get(k) {
      try {
        return ls ? ls.getItem(prefix + k) : mem.get(k) ?? null;
      } catch {
        return mem.get(k) ?? null;
      }
    },
    set(k, v) {
      mem.set(k, v);
      try {
        ls?.setItem(prefix + k, v);
      } catch {
        // memory copy above is used when the write fails
        ls = null;
      }
    },
    del(k) {
      mem.delete(k);
      try {
        ls?.removeItem(prefix + k);
      } catch {
        ls = null;
      }
    },
  };
}
