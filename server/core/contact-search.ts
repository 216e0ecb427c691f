import { ParleyError } from './errors.js';
import type { ContactFilter, ContactSearch, ContactSortField } from '../store/store.js';

/**
 * `POST /v2/contacts/search` as featurebase-node documents it: a filter AST (one clause or one
 * top-level AND group), a sort and a cursor, checked and translated into the store's terms.
 */

type Value = string | number | boolean | null | (string | number)[];
export interface SearchClause { field: string; operator: string; value: Value }
export interface SearchGroup { operator: 'AND' | 'OR'; value: SearchClause[] }

export interface SearchRequest {
  query?: SearchClause | SearchGroup;
  sort: string;
  limit: number;
  cursor?: string;
}

/** `totalCount` stops counting here (`totalCountCapped` then says so), as Featurebase's does. */
export const SEARCH_COUNT_CAP = 5000;

type Field = 'externalId' | 'email' | 'name' | 'type' | 'companyIds' | 'postsCreated' | 'commentsCreated' | 'lastActivity' | 'createdAt' | 'blocked';

const SET_OPS = ['=', '!=', 'IN', 'NIN'];
const COMPARE_OPS = ['=', '!=', '>', '<'];
/** Operators per field (the SDK's table, plus Parley's `blocked`). */
const OPERATORS: Record<Field, string[]> = {
  externalId: SET_OPS, email: SET_OPS, name: [...SET_OPS, '~'], type: SET_OPS, companyIds: SET_OPS,
  postsCreated: COMPARE_OPS, commentsCreated: COMPARE_OPS, lastActivity: COMPARE_OPS, createdAt: COMPARE_OPS, blocked: ['=', '!='],
};
/** The snake_case names the endpoint first shipped with, still accepted. */
const ALIASES: Record<string, Field> = {
  external_id: 'externalId', company_ids: 'companyIds', posts_created: 'postsCreated', comments_created: 'commentsCreated',
  last_activity: 'lastActivity', created_at: 'createdAt',
};
/** Closed sets: a negation on them alone never scans the whole organization. */
const CLOSED: Field[] = ['type', 'blocked'];
const RESERVED_OPS = ['!~', '^', '$'];
const POSITIVE_OPS = ['=', 'IN', '>', '<', '~'];

const SORTS: Record<string, { field: ContactSortField; direction: 'asc' | 'desc' }> = {};
for (const [api, field] of [['lastActivity', 'lastActivity'], ['createdAt', 'createdAt'], ['postsCreated', 'seq'], ['commentsCreated', 'seq']] as const) {
  for (const direction of ['asc', 'desc'] as const) SORTS[`${api}:${direction}`] = { field, direction };
}
const SNAKE_SORTS: Record<string, string> = { created_at: 'createdAt', last_activity: 'lastActivity', posts_created: 'postsCreated', comments_created: 'commentsCreated' };

const bad = (message: string) => new ParleyError('invalid_payload', message);

/** The canonical (camelCase) sort name, e.g. `last_activity:desc` → `lastActivity:desc`. */
export function canonicalSort(sort: string): string {
  const [axis, direction] = sort.split(':');
  const canonical = `${SNAKE_SORTS[axis] ?? axis}:${direction}`;
  if (!SORTS[canonical]) throw bad(`sort must be one of ${Object.keys(SORTS).join(', ')} (or their snake_case forms).`);
  return canonical;
}

/** The store query for a request, or null when a clause can match no contact at all. */
export function compileSearch(req: SearchRequest, now: string): ContactSearch | null {
  const sort = canonicalSort(req.sort);
  const clauses = clausesOf(req.query);
  const checked = clauses.map((c) => checkClause(c));
  const negativeOpen = checked.some(({ field, operator }) => !CLOSED.includes(field) && (operator === '!=' || operator === 'NIN'));
  if (negativeOpen && !checked.some(({ operator }) => POSITIVE_OPS.includes(operator))) {
    throw new ParleyError('query_too_broad', 'A query of only != or NIN clauses would scan every contact; add at least one positive clause (=, IN, >, <).');
  }
  const filters: ContactFilter[] = [];
  for (const clause of checked) {
    const filter = toFilter(clause, now);
    if (filter === false) return null;
    if (filter !== true) filters.push(filter);
  }
  return { filters, sort: SORTS[sort], limit: req.limit, after: req.cursor ? decodeSearchCursor(req.cursor, sort) : null };
}

function clausesOf(query: SearchRequest['query']): SearchClause[] {
  if (!query) return [];
  if (!('field' in query)) {
    if (query.operator === 'OR') throw bad('Top-level OR groups are not supported yet; use one AND group or a single clause.');
    return query.value;
  }
  return [query];
}

function checkClause(c: SearchClause): SearchClause & { field: Field } {
  const field = (ALIASES[c.field] ?? c.field) as Field;
  const allowed = OPERATORS[field];
  if (!allowed) throw bad(`Unknown search field "${c.field.slice(0, 64)}"; use one of ${Object.keys(OPERATORS).join(', ')}.`);
  if (RESERVED_OPS.includes(c.operator)) throw bad(`The operator ${c.operator} is reserved for future use.`);
  if (!allowed.includes(c.operator)) throw bad(`The field ${field} takes the operators ${allowed.join(', ')}, not ${c.operator}.`);
  const many = c.operator === 'IN' || c.operator === 'NIN';
  if (many !== Array.isArray(c.value)) throw bad(`${field} ${c.operator} takes ${many ? 'an array of values' : 'a single value'}.`);
  if (Array.isArray(c.value) && !c.value.length) throw bad(`${field} ${c.operator} needs at least one value.`);
  return { ...c, field };
}

const strings = (c: SearchClause): string[] => {
  const values = Array.isArray(c.value) ? c.value : [c.value];
  if (!values.every((v) => typeof v === 'string')) throw bad(`${c.field} compares with strings.`);
  return values as string[];
};

const number = (c: SearchClause): number => {
  if (typeof c.value !== 'number' || !Number.isFinite(c.value)) throw bad(`${c.field} compares with a number${c.field === 'lastActivity' || c.field === 'createdAt' ? ' (unix seconds)' : ''}.`);
  return c.value;
};

const iso = (ms: number) => {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw bad('A time must be unix seconds within the year range of a date.');
  return d.toISOString();
};

/** The clause as a store filter; true when it matches every contact, false when none. */
function toFilter(c: SearchClause & { field: Field }, now: string): ContactFilter | boolean {
  const negate = c.operator === '!=' || c.operator === 'NIN';
  switch (c.field) {
    case 'externalId':
    case 'email':
    case 'name':
    case 'type': {
      const values = strings(c);
      if (c.operator === '~') return { kind: 'contains', field: 'name', value: values[0] };
      if (c.field === 'type' && values.some((t) => t !== 'customer' && t !== 'lead')) throw bad('type is customer or lead.');
      return { kind: 'in', field: c.field === 'externalId' ? 'userId' : c.field, values, negate };
    }
    case 'companyIds':
      return { kind: 'company', companyIds: strings(c), negate };
    case 'postsCreated':
    case 'commentsCreated': {
      // Parley has no posts or comments: every contact has created 0 of each.
      const v = number(c);
      return c.operator === '=' ? v === 0 : c.operator === '!=' ? v !== 0 : c.operator === '>' ? 0 > v : 0 < v;
    }
    case 'lastActivity':
    case 'createdAt': {
      const ms = number(c) * 1000;
      if (c.operator === '>') return { kind: 'time', field: c.field, from: iso(ms + 1), negate: false };
      if (c.operator === '<') return { kind: 'time', field: c.field, until: iso(ms), negate: false };
      // Equal means within that second.
      return { kind: 'time', field: c.field, from: iso(ms), until: iso(ms + 1000), negate };
    }
    case 'blocked':
      if (typeof c.value !== 'boolean') throw bad('blocked compares with true or false.');
      return { kind: 'blocked', value: c.value !== negate, now };
  }
}

/** The next-page cursor: the sort it was made for and where the page ended. */
export function encodeSearchCursor(sort: string, last: { value: string | null; seq: string }): string {
  return Buffer.from(JSON.stringify({ s: canonicalSort(sort), k: last.value, q: last.seq })).toString('base64url');
}

function decodeSearchCursor(cursor: string, sort: string): { value: string | null; seq: string } {
  let parsed: any;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    parsed = null;
  }
  const valid = parsed && typeof parsed.s === 'string' && /^\d{1,18}$/.test(String(parsed.q))
    && (parsed.k === null || (typeof parsed.k === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(parsed.k)));
  if (!valid) throw new ParleyError('invalid_cursor', 'The cursor is not one this endpoint gave out.');
  if (parsed.s !== sort) throw new ParleyError('invalid_cursor', `The cursor was made for sort ${parsed.s}; restart without a cursor to sort by ${sort}.`);
  return { value: parsed.k, seq: String(parsed.q) };
}
