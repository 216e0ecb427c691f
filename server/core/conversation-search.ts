import type { SearchClauseInput } from '../../protocol/schemas/rest.js';
import { ParleyError } from './errors.js';
import type { ConversationClause } from '../store/store.js';

type Op = SearchClauseInput['operator'];
type Value = SearchClauseInput['value'];

/** Featurebase's field names (camelCase, and the snake_case ones it still accepts) → what Parley filters. */
const FIELDS: Record<string, 'state' | 'priority' | 'admin' | 'team' | 'brand' | 'tag' | 'participant' | 'createdAt'> = {
  state: 'state',
  priority: 'priority',
  adminAssigneeId: 'admin', admin_assignee_id: 'admin',
  teamAssigneeId: 'team', team_assignee_id: 'team',
  brandId: 'brand', brand_id: 'brand',
  tagIds: 'tag', tag_ids: 'tag',
  userId: 'participant', user_id: 'participant', participantId: 'participant', participant_id: 'participant',
  createdAt: 'createdAt', created_at: 'createdAt',
};
const UNSUPPORTED = ['companyId', 'company_id', 'mentionedAdminIds', 'mentioned_admin_ids'];
const STATES = ['open', 'closed', 'snoozed'];

const bad = (field: string, why: string) => new ParleyError('invalid_payload', `Invalid request: query field ${field} ${why}.`);

/** The clause's values as a list of ids or null (`=`/`!=` take one, `IN`/`NIN` a list). */
function idValues(field: string, op: Op, value: Value): (string | null)[] {
  const list = op === 'IN' || op === 'NIN';
  if (list !== Array.isArray(value)) throw bad(field, list ? `with ${op} takes a list` : `with ${op} takes one value`);
  const values = (Array.isArray(value) ? value : [value]) as unknown[];
  if (!values.every((x) => x === null || typeof x === 'string')) throw bad(field, 'takes ids (strings) or null');
  return values as (string | null)[];
}

function checkOp(field: string, op: Op, allowed: Op[]): void {
  if (!allowed.includes(op)) throw bad(field, `supports ${allowed.join(', ')}, not ${op}`);
}

const negated = (op: Op) => op === '!=' || op === 'NIN';

function clauseOf({ field, operator: op, value }: SearchClauseInput): ConversationClause {
  if (UNSUPPORTED.includes(field)) throw bad(field, 'is not supported by Parley');
  const kind = FIELDS[field];
  if (!kind) throw bad(field, `is unknown; Parley filters ${Object.keys(FIELDS).filter((f) => !f.includes('_')).join(', ')}`);
  const setOp = negated(op) ? 'not in' as const : 'in' as const;
  switch (kind) {
    case 'state': {
      checkOp(field, op, ['=', '!=', 'IN', 'NIN']);
      const values = idValues(field, op, value);
      if (!values.every((s) => s !== null && STATES.includes(s))) throw bad(field, 'takes open, closed or snoozed');
      return { column: 'state', op: setOp, values };
    }
    case 'priority':
      checkOp(field, op, ['=', '!=']);
      if (typeof value !== 'boolean') throw bad(field, 'takes true or false');
      // Parley has no priority: every conversation is `priority: false`.
      return { column: 'constant', matches: (value === false) !== (op === '!=') };
    case 'team':
    case 'brand': {
      // Parley has neither teams nor brands: the value is always null.
      checkOp(field, op, ['=', '!=', 'IN', 'NIN']);
      return { column: 'constant', matches: idValues(field, op, value).includes(null) !== negated(op) };
    }
    case 'admin':
    case 'participant':
      checkOp(field, op, ['=', '!=', 'IN', 'NIN']);
      return { column: kind === 'admin' ? 'admin_assignee_id' : 'contact_id', op: setOp, values: idValues(field, op, value) };
    case 'tag': {
      checkOp(field, op, ['=', '!=', 'IN', 'NIN']);
      const values = idValues(field, op, value);
      if (values.includes(null)) throw bad(field, 'takes tag ids');
      return { column: 'tag', op: setOp, values: values as string[] };
    }
    case 'createdAt': {
      checkOp(field, op, ['=', '>', '<']);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 253402300799) throw bad(field, 'takes unix seconds');
      return { column: 'created_at', op: op as '=' | '>' | '<', value: new Date(Math.floor(value) * 1000).toISOString() };
    }
  }
}

/**
 * The SDK's filter AST (one clause, or one top-level AND group of up to 15) as store
 * clauses. A query of nothing but negations on unbounded fields is refused
 * (`query_too_broad`), as Featurebase does; state and priority are bounded and exempt.
 */
export function searchClauses(query: SearchClauseInput | { operator: 'AND' | 'OR'; value: SearchClauseInput[] } | undefined): ConversationClause[] {
  if (!query) return [];
  if ('field' in query) return searchClauses({ operator: 'AND', value: [query] });
  if (query.operator === 'OR') throw new ParleyError('invalid_payload', 'Invalid request: top-level OR groups are not supported; use one AND group.');
  const clauses = query.value.map(clauseOf);
  const unbounded = query.value.filter((c) => FIELDS[c.field] !== 'state' && FIELDS[c.field] !== 'priority');
  if (unbounded.length && unbounded.length === query.value.length && unbounded.every((c) => negated(c.operator))) {
    throw new ParleyError('query_too_broad', 'A query of only != or NIN clauses would scan every conversation; add a positive clause (=, IN, >, <).');
  }
  return clauses;
}
