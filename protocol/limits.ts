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
