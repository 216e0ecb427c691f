import { RE2JS, RE2Set } from 're2js';
import type { ProtectionActionInput, ProtectionConditionInput } from '../../protocol/schemas/protection.js';
import { ParleyError } from './errors.js';
import type { FactNeeds, ProtectionBasics, ProtectionCheck, ProtectionFacts, ProtectionFiring, ProtectionRuleRecord, ProtectionVerdict } from '../store/store.js';

/*
 * Rules as data, compiled into plain predicates over the facts the store reads. Patterns run
 * on RE2JS, a linear-time matcher: no backreferences or lookaround, so no input can make a
 * pattern backtrack. Nothing here reads the store or the clock but through the facts.
 */

/** Where a rule is evaluated: on a visitor's message, or on a send rate-limit hit. */
export type Trigger = ProtectionFacts['trigger'];

/** What one pass over the message found, shared by every rule of an evaluation. */
interface Scan {
  /** The RE2 sources (pattern and word conditions) that match the message. */
  patterns: ReadonlySet<string>;
  /** How many links the message has (counted once, on first use). */
  links(): number;
}

type Test<F> = (facts: F, scan: Scan) => boolean;

export interface CompiledRule {
  rule: ProtectionRuleRecord;
  trigger: Trigger;
  /** Conditions that need nothing read (run first: most messages stop here). */
  cheap: Test<ProtectionBasics>[];
  /** The RE2 sources (flags inline) of its pattern and word conditions, matched all at once. */
  patterns: string[];
  /** Conditions on facts the store reads, and what they need. */
  costly: ((facts: ProtectionFacts) => boolean)[];
  needs: FactNeeds;
}

const NO_NEEDS: FactNeeds = { history: false, sameTextSeconds: 0, sameTextKeep: 0, rateHitsSeconds: 0, leadsByIpSeconds: 0, leadsByDeviceSeconds: 0, blocks: false };
const MESSAGE_CONDITIONS = new Set<ProtectionConditionInput['type']>(['pattern', 'words', 'links', 'repeated', 'length']);
/** Largest product of counted repetitions (`{n}`, `{n,m}`) in one pattern: `(a{100}){100}` compiles to 10,000 steps. */
const MAX_REPETITION = 1000;

// A link: a scheme or a www. prefix followed by something. No nested quantifier: linear.
const LINK = /\b(?:https?:\/\/|www\.)\S/gi;
export const countLinks = (body: string): number => body.match(LINK)?.length ?? 0;

const after = (now: string, seconds: number) => new Date(Date.parse(now) - seconds * 1000).toISOString();

/**
 * Compiles a pattern with RE2JS or refuses it (`invalid_pattern`): syntax RE2 does not have
 * (backreferences, lookaround) and counted repetitions that would blow up the program.
 */
export function compilePattern(pattern: string, caseInsensitive: boolean): RE2JS {
  let product = 1;
  for (const m of pattern.matchAll(/\{(\d{1,6})(?:,(\d{0,6}))?\}/g)) product *= Math.max(1, Number(m[2] || m[1]));
  if (product > MAX_REPETITION) {
    throw new ParleyError('invalid_pattern', `The pattern repeats too much (counted repetitions multiply to ${product}; at most ${MAX_REPETITION}).`);
  }
  try {
    return RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const why = (err as Error).message?.slice(0, 200) || 'syntax error';
    throw new ParleyError('invalid_pattern', `The pattern is not valid RE2 syntax (${why}); backreferences and lookaround are not supported.`);
  }
}

type Compiled = { cheap?: Test<ProtectionBasics>; costly?: (facts: ProtectionFacts) => boolean; needs?: Partial<FactNeeds>; pattern?: string };

/** One condition as predicates: the part that needs nothing read, and the part on facts with what it needs. */
function compileCondition(c: ProtectionConditionInput): Compiled {
  const within = (times: string[], f: ProtectionFacts, seconds: number) => times.filter((t) => t >= after(f.now, seconds)).length;
  switch (c.type) {
    case 'pattern': {
      compilePattern(c.pattern, c.caseInsensitive !== false);
      const source = `${c.caseInsensitive !== false ? '(?i)' : ''}(?:${c.pattern})`;
      return { pattern: source, cheap: (f, scan) => f.body !== null && scan.patterns.has(source) };
    }
    case 'words': {
      // Whole words: not inside a longer word of letters, digits or _.
      const source = `(?i)(?:^|[^\\p{L}\\p{N}_])(?:${c.words.map((w) => RE2JS.quote(w)).join('|')})(?:$|[^\\p{L}\\p{N}_])`;
      compilePattern(source, true);
      return { pattern: source, cheap: (f, scan) => f.body !== null && scan.patterns.has(source) };
    }
    case 'length':
      return { cheap: (f) => f.body !== null && (c.min === undefined || f.body.length >= c.min) && (c.max === undefined || f.body.length <= c.max) };
    case 'links':
      // Only a message with a link can cross the count: the others read nothing.
      return {
        cheap: (f, scan) => f.body !== null && scan.links() > 0,
        needs: { history: true },
        costly: (f) => {
          let links = countLinks(f.body!);
          for (const m of f.recent) {
            if (m.authorType === 'admin' && m.messageType === 'reply') break;
            if (m.authorType !== 'admin') links += countLinks(m.body);
            if (links >= c.min) return true;
          }
          return links >= c.min;
        },
      };
    case 'repeated':
      // Copies in a row: the store keeps the contact's latest text and when it was sent again,
      // so this reads one row, whatever the history. Another text in between starts anew.
      return {
        cheap: (f) => f.body !== null,
        needs: { sameTextSeconds: c.windowSeconds, sameTextKeep: c.count - 1 },
        costly: (f) => within(f.sameTextAt, f, c.windowSeconds) + 1 >= c.count,
      };
    case 'rateLimitHits':
      return { needs: { rateHitsSeconds: c.windowSeconds }, costly: (f) => within(f.rateHitsAt, f, c.windowSeconds) >= c.count };
    case 'newLeads':
      return {
        needs: c.by === 'ip' ? { leadsByIpSeconds: c.windowSeconds } : { leadsByDeviceSeconds: c.windowSeconds },
        costly: (f) => within(c.by === 'ip' ? f.leadsByIpAt : f.leadsByDeviceAt, f, c.windowSeconds) >= c.count,
      };
    case 'afterUnblock':
      return { needs: { blocks: true }, costly: (f) => f.lastUnblockAt !== null && f.lastUnblockAt >= after(f.now, c.withinSeconds) };
    case 'contactType':
      return { cheap: (f) => f.contact.type === c.contactType };
    case 'contactAge':
      return { cheap: (f) => f.contact.createdAt >= after(f.now, c.maxSeconds) };
    case 'earlierBlocks':
      return { needs: { blocks: true }, costly: (f) => f.blockCount >= c.min };
  }
}

const mergeNeeds = (a: FactNeeds, b: Partial<FactNeeds>): FactNeeds => ({
  history: a.history || !!b.history,
  sameTextSeconds: Math.max(a.sameTextSeconds, b.sameTextSeconds ?? 0),
  sameTextKeep: Math.max(a.sameTextKeep, b.sameTextKeep ?? 0),
  rateHitsSeconds: Math.max(a.rateHitsSeconds, b.rateHitsSeconds ?? 0),
  leadsByIpSeconds: Math.max(a.leadsByIpSeconds, b.leadsByIpSeconds ?? 0),
  leadsByDeviceSeconds: Math.max(a.leadsByDeviceSeconds, b.leadsByDeviceSeconds ?? 0),
  blocks: a.blocks || !!b.blocks,
});

/**
 * A rule's conditions and action checked together and compiled (all conditions must hold).
 * Rate-limit hits are counted when they happen, where there is no message: a rule counting
 * them cannot also look at a message, nor hold one.
 */
export function compileRule(rule: ProtectionRuleRecord): CompiledRule {
  const onRateLimit = rule.conditions.some((c) => c.type === 'rateLimitHits');
  if (onRateLimit && rule.conditions.some((c) => MESSAGE_CONDITIONS.has(c.type))) {
    throw new ParleyError('invalid_payload', 'A rule counting rate-limit hits runs when a send is refused, where there is no message: it cannot also test the message (pattern, words, links, repeated, length).');
  }
  if (onRateLimit && rule.action.type === 'hold') {
    throw new ParleyError('invalid_payload', 'A rule counting rate-limit hits has no message to hold: use temporary_block or block.');
  }
  const parts = rule.conditions.map(compileCondition);
  return {
    rule,
    trigger: onRateLimit ? 'rate_limit' : 'message',
    cheap: parts.flatMap((p) => (p.cheap ? [p.cheap] : [])),
    patterns: parts.flatMap((p) => (p.pattern ? [p.pattern] : [])),
    costly: parts.flatMap((p) => (p.costly ? [p.costly] : [])),
    needs: parts.reduce((n, p) => mergeNeeds(n, p.needs ?? {}), NO_NEEDS),
  };
}

const STRENGTH: Record<ProtectionActionInput['type'], number> = { hold: 1, temporary_block: 2, block: 3 };

/** The stronger of two actions (a block over a hold; the longer of two temporary blocks). */
const stronger = (a: ProtectionFiring, b: ProtectionFiring): ProtectionFiring => {
  const d = STRENGTH[b.action.type] - STRENGTH[a.action.type];
  if (d !== 0) return d > 0 ? b : a;
  return a.action.type === 'temporary_block' && b.action.type === 'temporary_block' && b.action.seconds > a.action.seconds ? b : a;
};

/**
 * Every rule that matches is reported (dry runs are logged); the strongest enforced one acts.
 * `rules` are those of one trigger whose cheap conditions held, in their order.
 */
function decide(rules: readonly CompiledRule[], facts: ProtectionFacts): ProtectionVerdict {
  const matched: ProtectionFiring[] = [];
  let act: ProtectionFiring | null = null;
  for (const r of rules) {
    if (!r.costly.every((t) => t(facts))) continue;
    const firing: ProtectionFiring = { ruleId: r.rule.id, ruleName: r.rule.name, mode: r.rule.mode === 'enforce' ? 'enforce' : 'dry_run', action: r.rule.action };
    matched.push(firing);
    if (firing.mode === 'enforce') act = act ? stronger(act, firing) : firing;
  }
  return { act, matched };
}

/**
 * Every pattern and word list of these rules in one RE2 set: one linear pass over a message
 * tells which of them match (a DFA, falling back to the NFA when its memory runs out).
 */
function patternMatcher(rules: readonly CompiledRule[]): (body: string | null) => ReadonlySet<string> {
  const sources = [...new Set(rules.flatMap((r) => r.patterns))];
  const none: ReadonlySet<string> = new Set();
  if (!sources.length) return () => none;
  const set = new RE2Set(RE2Set.UNANCHORED);
  for (const source of sources) set.add(source);
  set.compile();
  return (body) => {
    if (body === null) return none;
    const hits = set.match(body);
    return hits.length ? new Set(hits.map((i) => sources[i])) : none;
  };
}

/**
 * The store's side of evaluations by these rules (reusable): what to read, and the verdict.
 * The rules left after the cheap conditions are remembered per evaluation (the store hands
 * `decide` the facts built on the very basics it gave `needsFor`).
 */
export function checkOf(rules: readonly CompiledRule[], record: { held: boolean; blocked: boolean }): ProtectionCheck {
  const match = patternMatcher(rules);
  const left = new WeakMap<ProtectionBasics, CompiledRule[]>();
  const survivors = (basics: ProtectionBasics) => {
    let links = -1;
    const scan: Scan = { patterns: match(basics.body), links: () => (links < 0 ? (links = basics.body === null ? 0 : countLinks(basics.body)) : links) };
    return rules.filter((r) => r.cheap.every((t) => t(basics, scan)));
  };
  return {
    needsFor(basics) {
      const remaining = survivors(basics);
      if (!remaining.length) return null;
      left.set(basics, remaining);
      return remaining.reduce((n, r) => mergeNeeds(n, r.needs), NO_NEEDS);
    },
    decide: (facts) => decide(left.get(facts) ?? survivors(facts), facts),
    recordHeld: record.held,
    recordBlocked: record.blocked,
  };
}
