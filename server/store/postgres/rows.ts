import { rowMappers } from '../row-mappers.js';

export type Row = Record<string, any>;

/** Conversation ids are bigints: anything else cannot match, and must not reach the server as one. */
export const shortId = (id: string): string | null => (/^[0-9]{1,18}$/.test(id) ? id : null);

/** timestamptz arrives as a Date; records carry ISO strings (millisecond precision). */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

// timestamptz arrives as a Date, jsonb parsed, booleans as booleans.
export const { isBlockedRow, toContact, toConversation, toMessage, toBlockEvent } = rowMappers({
  time: (v) => iso(v as Date | null),
  json: (v) => v,
  flag: (v) => v === true,
});
