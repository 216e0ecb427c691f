export const SIGNATURE_HEADER = 'x-webhook-signature';
export const TIMESTAMP_HEADER = 'x-webhook-timestamp';

// Headers Parley sets itself or that shape the request; `x-webhook-*` is Parley's namespace.
const RESERVED = new Set(['content-type', 'content-length', 'host', 'user-agent', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);

/** Whether a caller's `requestConfig.headers` may not use `name` (case-insensitive). */
export function isReservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('x-webhook-') || RESERVED.has(n);
}

/**
 * A delivery's headers: the webhook's own (reserved names dropped, in case an older version
 * stored them), then Parley's, which therefore always win.
 */
export function deliveryHeaders(caller: Record<string, string>, parley: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(caller)) if (!isReservedHeader(name)) headers[name] = value;
  return { ...headers, ...parley };
}
