import type { ApiVersion } from '../config.js';
import type { RequestInfo } from '../core/audit.js';
import type { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { isObjectId, isShortId } from '../../protocol/schemas/ids.js';
import { decodeCursor } from '../store/cursor.js';
import type { RouteContext } from './router.js';

export interface ApiContext extends RouteContext {
  core: Core;
  version: ApiVersion;
  /** The parsed JSON body (read lazily so GETs never wait on one). */
  body(): Promise<unknown>;
  /** Caller's address (X-Forwarded-For only behind a trusted proxy) and user agent, for the audit log. */
  request: RequestInfo;
}

/** Endpoints documented as "only available in 2026-01-01.nova and newer". */
export function requireNova(ctx: ApiContext): void {
  if (ctx.version !== '2026-01-01.nova') {
    throw new ParleyError('version_not_available', `This endpoint is only available in API version 2026-01-01.nova and newer; this request resolved to ${ctx.version}.`);
  }
}

export function contactIdParam(ctx: ApiContext): string {
  const id = ctx.params.id;
  if (!isObjectId(id)) throw new ParleyError('invalid_id', `"${String(id).slice(0, 64)}" is not a valid contact id (expected 24 hex characters).`);
  return id;
}

export function conversationIdParam(ctx: ApiContext): string {
  const id = ctx.params.id;
  if (!isShortId(id)) throw new ParleyError('invalid_id', `"${String(id).slice(0, 64)}" is not a valid conversation id (expected a numeric id).`);
  return id;
}

/** Cursor pagination query: `limit` 1–100 (default 10) and an opaque `cursor`. */
export function pageParams(ctx: ApiContext): { limit: number; cursor: string | null } {
  const rawLimit = ctx.query.get('limit');
  const limit = rawLimit === null ? 10 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ParleyError('invalid_payload', 'limit must be an integer from 1 to 100.');
  }
  const cursor = ctx.query.get('cursor');
  if (cursor !== null && cursor !== '' && decodeCursor(cursor) === null) {
    throw new ParleyError('invalid_payload', 'cursor is not a cursor this server issued.');
  }
  return { limit, cursor: cursor || null };
}
