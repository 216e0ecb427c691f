import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { forbiddenRange, literalAddress } from '../core/webhook-targets.js';
import { AddressNotAllowedError, guardedLookup } from './address-policy.js';

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** Skip the address policy (PARLEY_WEBHOOKS_ALLOW_PRIVATE, development only). */
  allowPrivate: boolean;
}

/**
 * POSTs one webhook delivery and resolves with the answer's status (the body is not read).
 * Redirects are not followed. Unless `allowPrivate`, the target must be a public address:
 * an IP literal is checked here, a name at connect time on what it resolves to; a refusal
 * rejects with AddressNotAllowedError before any byte is sent.
 */
export function postWebhook(url: string, opts: PostOptions): Promise<{ status: number; statusText: string }> {
  const target = new URL(url);
  if (!opts.allowPrivate) {
    const literal = literalAddress(target.hostname);
    const range = literal === null ? null : forbiddenRange(literal);
    if (range) return Promise.reject(new AddressNotAllowedError(literal!, range));
  }
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, {
      method: 'POST',
      headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) },
      signal: opts.signal,
      // One connection per delivery: nothing pooled outlives the check made for it.
      agent: false,
      ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
    }, (res) => {
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' });
      res.destroy();
    });
    req.once('error', reject);
    req.end(opts.body);
  });
}
