/**
 * The one error catalog. REST answers `{object:"error", code, message}` with `status`;
 * socket acks answer `{ok:false, error:{code, message}}`. Every code is documented in
 * docs/API.md (a test checks it).
 */
export const ERRORS = {
  invalid_payload: { status: 400, message: 'The request is invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_id: { status: 400, message: 'The id is malformed.' },
  invalid_cursor: { status: 400, message: 'The cursor is not valid for this request.' },
  invalid_pattern: { status: 400, message: 'The pattern is not valid RE2 syntax or repeats too much.' },
  unsubscribe_link_invalid: { status: 400, message: 'This unsubscribe link is invalid or has expired.' },
  invite_invalid: { status: 400, message: 'This invitation link is not valid; check that it was copied whole.' },
  invite_expired: { status: 400, message: 'This invitation has expired; ask an admin to send a new one.' },
  invite_revoked: { status: 400, message: 'This invitation was withdrawn; ask an admin for a new one.' },
  unsupported_version: { status: 400, message: 'Unsupported Featurebase-Version header.' },
  query_too_broad: { status: 400, message: 'A search made only of negations (!= or NIN) would scan everything; add a positive clause.' },
  version_not_available: { status: 400, message: 'This endpoint is only available in API version 2026-01-01.nova and newer.' },
  unauthorized: { status: 401, message: 'Missing or invalid API key.' },
  identity_invalid: { status: 401, message: 'The visitor identity could not be verified.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  origin_not_allowed: { status: 403, message: 'This site is not allowed to open the messenger.' },
  contact_blocked: { status: 403, message: 'This contact is blocked and cannot send messages.' },
  not_found: { status: 404, message: 'No such endpoint.' },
  contact_not_found: { status: 404, message: 'No contact with that id.' },
  conversation_not_found: { status: 404, message: 'No conversation with that id.' },
  webhook_not_found: { status: 404, message: 'No webhook with that id.' },
  admin_not_found: { status: 404, message: 'No admin (active console agent) with that id.' },
  conversation_part_not_found: { status: 404, message: 'No conversation part with that id in this conversation.' },
  tag_not_found: { status: 404, message: 'No tag with that id.' },
  protection_rule_not_found: { status: 404, message: 'No protection rule with that id.' },
  held_message_not_found: { status: 404, message: 'No held message with that id.' },
  saved_reply_not_found: { status: 404, message: 'No saved reply with that id.' },
  invite_used: { status: 409, message: 'This invitation has already been used; sign in with your email and password.' },
  method_not_allowed: { status: 405, message: 'Method not allowed on this endpoint.' },
  conflict: { status: 409, message: 'The request conflicts with an existing resource.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the request body as application/json.' },
  message_too_long: { status: 422, message: 'The message body is too long.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down.' },
  too_many_connections: { status: 429, message: 'Too many open messenger connections; close a tab and try again.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  unavailable: { status: 503, message: 'The server is not ready.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Error body inside socket acks and REST answers. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** REST error body, Featurebase style. */
export interface RestError extends ErrorBody {
  object: 'error';
}
