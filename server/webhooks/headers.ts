import { isReservedHeader } from '../core/webhook-targets.js';

export const SIGNATURE_HEADER = 'x-webhook-signature';
export const TIMESTAMP_HEADER = 'x-webhook-timestamp';

/**
 * A delivery's headers: the webhook's own (reserved names dropped, in case an older version
 * stored them), then Parley's, which therefore always win.
 */
export function deliveryHeaders(caller: Record<string, string>, parley: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(caller)) if (!isReservedHeader(name)) headers[name] = value;
  return { ...headers, ...parley };
}
