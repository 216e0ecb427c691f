import type { IncomingMessage } from 'node:http';
import { MAX_HTTP_BODY_BYTES } from '../../protocol/limits.js';
import { ParleyError } from '../core/errors.js';

/**
 * Reads a JSON request body of at most `limit` bytes. An empty body reads as `{}`;
 * a body sent as anything but JSON is refused (415) rather than guessed at.
 */
export async function readJson(req: IncomingMessage, limit = MAX_HTTP_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new ParleyError('payload_too_large', `The request body is larger than ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ParleyError('payload_too_large', `The request body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ParleyError('unsupported_media_type', `Send the body as application/json, not ${type.split(';')[0]}.`);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new ParleyError('invalid_json', `The request body is not valid JSON: ${(err as Error).message}`);
  }
}
