import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

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

/** A delivery refused because its target resolved to an address webhooks may not reach. */
export class AddressNotAllowedError extends Error {
  readonly code = 'ERR_ADDRESS_NOT_ALLOWED';
  constructor(readonly address: string, readonly range: string) {
    super(`address not allowed (${address})`);
  }
}

/**
 * `lookup` for `http.request`: resolves like the system does, then refuses the connection
 * when any address the name resolves to is forbidden. The check is on the addresses the
 * socket will connect to, at delivery time, so a DNS change after the URL was saved (or a
 * rebinding answer) cannot point a webhook inside the network.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    for (const a of addresses) {
      const range = forbiddenRange(a.address);
      if (range) return callback(new AddressNotAllowedError(a.address, range), '', 0);
    }
    if (!addresses.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};
