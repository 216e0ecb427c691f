/** Small seeded PRNG, so a failing fuzz case can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

const STRINGS = [
  '', ' ', 'hello', '<script>alert(1)</script>', '\u0000', '\ud800', '\udfff\ud800', '💥'.repeat(100), 'a'.repeat(10_001),
  'x'.repeat(70_000), '__proto__', 'constructor', 'prototype', '{"$gt":""}', '../../etc/passwd', '%00', 'null', 'NaN',
  'aaaaaaaaaaaaaaaaaaaaaaaa', '1', '0', '-1', '99999999999999999999', 'javascript:alert(1)', '\r\n\r\n', '\u202e',
];

/** A hostile value: wrong types, deep nesting, huge strings, prototype-pollution keys. */
export function hostileValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.3) {
    return pick(rand, [null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 1e308, pick(rand, STRINGS), pick(rand, STRINGS), []]);
  }
  if (r < 0.4) {
    // Deep nesting.
    let v: unknown = 'deep';
    for (let i = 0; i < 200 + Math.floor(rand() * 800); i++) v = rand() < 0.5 ? [v] : { a: v };
    return v;
  }
  if (r < 0.55) return Array.from({ length: Math.floor(rand() * 5) }, () => hostileValue(rand, depth - 1));
  const obj: Record<string, unknown> = {};
  const keys = ['clientId', 'body', 'conversationId', 'since', 'typing', '__proto__', 'constructor', 'prototype', 'toString', 'ok', pick(rand, STRINGS)];
  for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) {
    const key = pick(rand, keys);
    const value = rand() < 0.4 ? pick(rand, STRINGS) : hostileValue(rand, depth - 1);
    // Own property even for __proto__, as JSON.parse would produce.
    Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
  }
  if (rand() < 0.3) Object.assign(obj, { clientId: `f${Math.floor(rand() * 1e9)}`, body: pick(rand, STRINGS) });
  return obj;
}
