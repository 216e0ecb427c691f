import type { ServerResponse } from 'node:http';
import { ERRORS, type ErrorCode, type RestError } from '../../protocol/errors.js';
import { ParleyError } from '../core/errors.js';

/** A JSON answer: never sniffed as something else, never kept by a browser or proxy cache. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Featurebase-style error answer from a catalog code. */
export function sendError(res: ServerResponse, code: ErrorCode, message: string = ERRORS[code].message, headers: Record<string, string> = {}): void {
  const body: RestError = { object: 'error', code, message };
  sendJson(res, ERRORS[code].status, body, headers);
}

export function sendParleyError(res: ServerResponse, err: unknown): boolean {
  if (!(err instanceof ParleyError)) return false;
  sendError(res, err.code, err.message);
  return true;
}
