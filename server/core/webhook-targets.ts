import ipaddr from 'ipaddr.js';

// Where a webhook may point and which headers it may set: rules checked when a webhook is
// saved (here, in the core) and again at delivery time (server/webhooks).

// ipaddr.js range names, as people say them.
const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback', private: 'private', linkLocal: 'link-local', uniqueLocal: 'unique-local',
  carrierGradeNat: 'carrier-grade NAT', unspecified: 'unspecified', multicast: 'multicast', broadcast: 'broadcast',
};

/**
 * Why `address` (an IPv4 or IPv6 literal) may not receive webhooks, e.g. "loopback", or null
 * when it may. Only globally routable unicast passes: loopback, private, link-local (cloud
 * metadata at 169.254.169.254 included), unique-local, CGNAT, unspecified, multicast and
 * reserved ranges do not. IPv4 inside IPv6 (mapped, NAT64, 6to4) is judged as the IPv4 it carries.
 */
export function forbiddenRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const range = v6.range();
    const p = v6.parts;
    if (range === 'ipv4Mapped' || range === 'rfc6145') ip = ipaddr.fromByteArray(v6.toByteArray().slice(12));
    else if (range === 'rfc6052' && p[0] === 0x64 && p[1] === 0xff9b && p.slice(2, 6).every((x) => x === 0)) ip = ipaddr.fromByteArray(v6.toByteArray().slice(12));
    else if (range === '6to4') ip = ipaddr.fromByteArray(v6.toByteArray().slice(2, 6));
    else return range === 'unicast' ? null : RANGE_NAMES[range] ?? range;
  }
  const range = (ip as ipaddr.IPv4).range();
  return range === 'unicast' ? null : RANGE_NAMES[range] ?? range;
}

/** The IP a URL hostname names literally (`[::1]` → `::1`), or null for a DNS name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}

/**
 * What can be refused from the URL alone, before any DNS: an IP literal in a forbidden range,
 * or `localhost` and `*.localhost` (RFC 6761: always loopback). Returns the reason or null.
 * URL parsing has already turned `2130706433` or `0x7f.1` into `127.0.0.1`.
 */
export function forbiddenHost(hostname: string): { address: string; range: string } | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return { address: hostname, range: 'loopback' };
  const literal = literalAddress(name);
  const range = literal === null ? null : forbiddenRange(literal);
  return range ? { address: literal!, range } : null;
}

// Headers Parley sets itself or that shape the request; `x-webhook-*` is Parley's namespace.
const RESERVED = new Set(['content-type', 'content-length', 'host', 'user-agent', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);

/** Whether a caller's `requestConfig.headers` may not use `name` (case-insensitive). */
export function isReservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('x-webhook-') || RESERVED.has(n);
}
