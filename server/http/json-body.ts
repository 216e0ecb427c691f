import type { FastifyInstance } from 'fastify';
import { ParleyError } from '../core/errors.js';

const JSON_TYPE = /^application\/(.+\+)?json\b/i;

/**
 * Request bodies are JSON or nothing: an empty body reads as `{}`, a body without a content
 * type is read as JSON, and one sent as anything else is refused (415) rather than guessed at.
 * The size limit is Fastify's `bodyLimit` (413).
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, text, done) => {
    if (text === '') return done(null, {});
    const type = req.headers['content-type'] ?? '';
    if (type && !JSON_TYPE.test(type)) {
      return done(new ParleyError('unsupported_media_type', `Send the body as application/json, not ${type.split(';')[0]}.`), undefined);
    }
    try {
      done(null, JSON.parse(text as string));
    } catch (err) {
      done(new ParleyError('invalid_json', `The request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
}
