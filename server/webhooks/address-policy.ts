import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { forbiddenRange } from '../core/webhook-targets.js';

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
