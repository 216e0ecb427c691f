import { rowMappers } from '../row-mappers.js';

/** SQLite keeps timestamps as ISO text, JSON as text and booleans as 0/1. */
export const { isBlockedRow, toContact, toConversation, toMessage, toBlockEvent } = rowMappers({
  time: (v) => (v as string | null) ?? null,
  json: (v) => JSON.parse(v as string),
  flag: (v) => v === 1,
});
