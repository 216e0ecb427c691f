import type { IncomingHttpHeaders } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Whether the hop at `addr` (the `i`-th from the socket inwards) is a proxy we run. */
export type TrustProxy = (addr: string, i: number) => boolean;

export const TRUST_NONE: TrustProxy = () => false;

/**
 * `PARLEY_TRUST_PROXY`, like Express's `trust proxy`: unset or `false` trusts nothing, a
 * number trusts that many hops, otherwise a comma-separated list of addresses, CIDRs or the
 * names `loopback`, `linklocal`, `uniquelocal`. `true` is refused: it would make the
 * leftmost X-Forwarded-For entry, which any client writes, the client's address.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (!text || text === 'false') return TRUST_NONE;
  if (text === 'true') {
    throw new Error('PARLEY_TRUST_PROXY=true would let any client choose its IP address; give the number of proxy hops (e.g. 1) or their addresses (e.g. loopback, 10.0.0.0/8)');
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_addr, i) => i < hops;
  }
  try {
    return proxyaddr.compile(text.split(',').map((s) => s.trim()).filter(Boolean));
  } catch (err) {
    throw new Error(`PARLEY_TRUST_PROXY: ${(err as Error).message}; use a hop count or addresses/CIDRs such as loopback, 10.0.0.0/8`);
  }
}

/** What clientIp needs of a request or a socket.io handshake. */
export interface PeerInfo {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string };
}

/**
 * The one rule for a client's IP address on sockets (HTTP requests get the same from Fastify's `trustProxy`): the socket
 * peer, or, walking X-Forwarded-For from the right, the first address not behind a trusted proxy.
 */
export function clientIp(peer: PeerInfo, trust: TrustProxy): string {
  if (!peer.socket.remoteAddress) return 'unknown';
  return normalizeIp(trust === TRUST_NONE ? peer.socket.remoteAddress : proxyaddr(peer as never, trust));
}

/** An IPv4 client on a dual-stack socket as plain IPv4, so limits and the audit log see one address. */
export const normalizeIp = (addr: string): string => addr.replace(/^::ffff:/, '');
