/** Longest message body accepted anywhere, in characters (UTF-16 code units). */
export const MAX_BODY_LENGTH = 10_000;
/** Largest socket.io packet the server reads (socket.io `maxHttpBufferSize`). */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;
/** Largest HTTP request body the REST API reads. */
export const MAX_HTTP_BODY_BYTES = 256 * 1024;
/** Longest `clientId` idempotency key. */
export const MAX_CLIENT_ID_LENGTH = 64;
/** Most messages one `history:fetch` answers with. */
export const HISTORY_PAGE_SIZE = 200;
/** Conversations per `conversations:list` page (messenger). */
export const CONVERSATIONS_PAGE_SIZE = 20;
/**
 * Most bytes of messages (as JSON) one `history:fetch` answers with; a page cut here says
 * `hasMore: true`. A single message always fits (a 10,000-character body is well below).
 */
export const MAX_HISTORY_PAGE_BYTES = 256 * 1024;
