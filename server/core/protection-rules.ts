import { RE2JS, RE2Set } from 're2js';
import type { ProtectionActionInput, ProtectionConditionInput } from '../../protocol/schemas/protection.js';
import { ParleyError } from './errors.js';
import { isoAt } from '../store/iso-clock.js';
import type {
  FactNeeds, ProtectionBasics, ProtectionCheck, ProtectionFacts, ProtectionFiring, ProtectionPlan, ProtectionRuleRecord, ProtectionVerdict,
} from '../store/store.js';

/*
 * Rules as data, compiled into plain predicates over the facts the store reads. Patterns run
 * on RE2JS, a linear-time matcher: no backreferences or lookaround, so no input can make a
 * pattern backtrack. Nothing here reads the store or the clock but through the facts.
 */

/** Where a rule is evaluated: on a visitor's message, or on a send rate-limit hit. */
export type Trigger = ProtectionFacts['trigger'];

/**
 * A rule's conditions that need nothing read, as data rather than predicates: one loop over
 * the rules tests them all without a call per condition, and what they share (the pattern
 * pass, the link count, the contact's age) is worked out once per message.
 * Several conditions of one kind are merged as all of them must hold.
 */
export interface CheapConditions {
  /** Only a message can meet it (a rate-limit hit has none). */
  message: boolean;
  /** RE2 sources (flags inline) of its pattern and word conditions: every one must match. */
  patterns: string[];
  /** At least one link in the message. */
  links: boolean;
  /** Every contact type it names (a contact has one: two different ones never hold). */
  contactTypes: string[];
  /** Body length within [minLength, maxLength]. */
  minLength: number;
  maxLength: number;
  /** The contact was created at most this long ago (Infinity: no such condition). */
  maxAgeMs: number;
}

export interface CompiledRule {
  rule: ProtectionRuleRecord;
  trigger: Trigger;
  /** Conditions that need nothing read (run first: most messages stop here). */
  cheap: CheapConditions;
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
// Every link has a '/' (of its scheme) or a '.' (of www.): a text with neither skips the regex.
export const countLinks = (body: string): number => (body.indexOf('/') < 0 && body.indexOf('.') < 0 ? 0 : (body.match(LINK)?.length ?? 0));

const after = (f: ProtectionBasics, seconds: number) => isoAt(f.nowMs - seconds * 1000);

/** How many of `times` (ISO strings) fall within the window; the cut-off is made once, and only for times to compare. */
const within = (times: readonly string[], f: ProtectionFacts, seconds: number): number => {
  if (!times.length) return 0;
  const from = after(f, seconds);
  let n = 0;
  for (const t of times) if (t >= from) n++;
  return n;
};

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

type Compiled = { cheap?: Partial<CheapConditions>; costly?: (facts: ProtectionFacts) => boolean; needs?: Partial<FactNeeds> };

/** One condition: the part that needs nothing read (as data), and the part on facts with what it needs. */
function compileCondition(c: ProtectionConditionInput): Compiled {
  switch (c.type) {
    case 'pattern': {
      compilePattern(c.pattern, c.caseInsensitive !== false);
      return { cheap: { message: true, patterns: [`${c.caseInsensitive !== false ? '(?i)' : ''}(?:${c.pattern})`] } };
    }
    case 'words': {
      // Whole words: not inside a longer word of letters, digits or _.
      const source = `(?i)(?:^|[^\\p{L}\\p{N}_])(?:${c.words.map((w) => RE2JS.quote(w)).join('|')})(?:$|[^\\p{L}\\p{N}_])`;
      compilePattern(source, true);
      return { cheap: { message: true, patterns: [source] } };
    }
    case 'length':
      return { cheap: { message: true, minLength: c.min ?? 0, maxLength: c.max ?? Infinity } };
    case 'links':
      // Only a message with a link can cross the count: the others read nothing.
      return {
        cheap: { message: true, links: true },
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
        cheap: { message: true },
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
      return { needs: { blocks: true }, costly: (f) => f.lastUnblockAt !== null && f.lastUnblockAt >= after(f, c.withinSeconds) };
    case 'contactType':
      return { cheap: { contactTypes: [c.contactType] } };
    case 'contactAge':
      return { cheap: { maxAgeMs: c.maxSeconds * 1000 } };
    case 'earlierBlocks':
      return { needs: { blocks: true }, costly: (f) => f.blockCount >= c.min };
  }
}

const NO_CHEAP: CheapConditions = { message: false, patterns: [], links: false, contactTypes: [], minLength: 0, maxLength: Infinity, maxAgeMs: Infinity };

const mergeCheap = (a: CheapConditions, b: Partial<CheapConditions>): CheapConditions => ({
  message: a.message || !!b.message,
  patterns: b.patterns ? [...a.patterns, ...b.patterns] : a.patterns,
  links: a.links || !!b.links,
  contactTypes: b.contactTypes ? [...a.contactTypes, ...b.contactTypes] : a.contactTypes,
  minLength: Math.max(a.minLength, b.minLength ?? 0),
  maxLength: Math.min(a.maxLength, b.maxLength ?? Infinity),
  maxAgeMs: Math.min(a.maxAgeMs, b.maxAgeMs ?? Infinity),
});

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
    cheap: parts.reduce((n, p) => mergeCheap(n, p.cheap ?? {}), NO_CHEAP),
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

/** Nothing matched: one shared verdict rather than a new one per message. */
const NO_VERDICT: ProtectionVerdict = Object.freeze({ act: null, matched: Object.freeze([]) as unknown as ProtectionFiring[] });

/**
 * Every rule that matches is reported (dry runs are logged); the strongest enforced one acts.
 * `rules` are those of one trigger whose cheap conditions held, in their order.
 */
function decide(rules: readonly CompiledRule[], facts: ProtectionFacts): ProtectionVerdict {
  let matched: ProtectionFiring[] | null = null;
  let act: ProtectionFiring | null = null;
  for (const r of rules) {
    let holds = true;
    for (let i = 0; i < r.costly.length && holds; i++) holds = r.costly[i](facts);
    if (!holds) continue;
    const firing: ProtectionFiring = { ruleId: r.rule.id, ruleName: r.rule.name, mode: r.rule.mode === 'enforce' ? 'enforce' : 'dry_run', action: r.rule.action };
    (matched ??= []).push(firing);
    if (firing.mode === 'enforce') act = act ? stronger(act, firing) : firing;
  }
  return matched ? { act, matched } : NO_VERDICT;
}

/**
 * Every pattern and word list of these rules in one RE2 set: one linear pass over a message
 * tells which of them match (a DFA, falling back to the NFA when its memory runs out).
 * Returns the matcher (indexes into `sources`) and the sources; null when there are none.
 */
function patternSet(rules: readonly CompiledRule[]): { sources: string[]; set: RE2Set } | null {
  const sources = [...new Set(rules.flatMap((r) => r.cheap.patterns))];
  if (!sources.length) return null;
  const set = new RE2Set(RE2Set.UNANCHORED);
  for (const source of sources) set.add(source);
  set.compile();
  return { sources, set };
}

// Which rules are left is a bit set in one number: exact up to 2^53, and a trigger has at most
// MAX_PROTECTION_RULES (50). Past 52 rules the key is a string.
const EXACT_BITS = 52;
const MAX_PLANS = 256;
// 2 ** i looked up: V8 calls out to Math.pow for it, which cost more than the rest of the loop.
const BIT = Array.from({ length: EXACT_BITS }, (_, i) => 2 ** i);

/** A rule's cheap conditions, flattened for the loop of `plan` (pattern sources as indexes of the set). */
interface CheapTest {
  message: boolean;
  patterns: number[];
  links: boolean;
  contactTypes: string[];
  minLength: number;
  maxLength: number;
  maxAgeMs: number;
}

/**
 * The store's side of evaluations by these rules (reusable): the cheap conditions, then the
 * plan of the rules they left. Most messages leave the same rules, so plans (their merged
 * needs and their `decide`) are made once per set of rules left and then only looked up.
 */
export function checkOf(rules: readonly CompiledRule[], record: { held: boolean; blocked: boolean }): ProtectionCheck {
  const patterns = patternSet(rules);
  const tests: CheapTest[] = rules.map(({ cheap }) => ({ ...cheap, patterns: cheap.patterns.map((p) => patterns!.sources.indexOf(p)) }));
  // Which sources matched the message being planned: marked, then cleared after the loop.
  const hit = new Uint8Array(patterns?.sources.length ?? 0);
  const plans = new Map<number | string, ProtectionPlan>();
  const planOf = (key: number | string, left: CompiledRule[]): ProtectionPlan => {
    // Bounded: sets of rules left are few in practice, but a check lives as long as its rules.
    if (plans.size >= MAX_PLANS) plans.clear();
    const needs = left.reduce((n, r) => mergeNeeds(n, r.needs), NO_NEEDS);
    const plan: ProtectionPlan = { needs, decide: (facts) => decide(left, facts) };
    plans.set(key, plan);
    return plan;
  };
  const exact = rules.length <= EXACT_BITS;
  return {
    plan(basics) {
      const body = basics.body;
      const hits = body !== null && patterns ? patterns.set.match(body) : NO_HITS;
      for (let k = 0; k < hits.length; k++) hit[hits[k]] = 1;
      let links = -1;
      let createdMs = NaN;
      let mask = 0;
      let key = '';
      for (let i = 0; i < tests.length; i++) {
        const t = tests[i];
        if (t.message && body === null) continue;
        if (t.message && (body!.length < t.minLength || body!.length > t.maxLength)) continue;
        let holds = true;
        for (let j = 0; j < t.contactTypes.length && holds; j++) holds = t.contactTypes[j] === basics.contact.type;
        for (let j = 0; j < t.patterns.length && holds; j++) holds = hit[t.patterns[j]] === 1;
        if (!holds) continue;
        if (t.links) {
          if (links < 0) links = countLinks(body!);
          if (links === 0) continue;
        }
        if (t.maxAgeMs !== Infinity) {
          // In numbers, once per message: a Date.parse costs a fraction of making the cut-off's string.
          if (createdMs !== createdMs) createdMs = Date.parse(basics.contact.createdAt);
          if (!(createdMs >= basics.nowMs - t.maxAgeMs)) continue;
        }
        if (exact) mask += BIT[i];
        else key += `${i},`;
      }
      for (let k = 0; k < hits.length; k++) hit[hits[k]] = 0;
      if (exact) {
        if (mask === 0) return null;
        return plans.get(mask) ?? planOf(mask, rules.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1));
      }
      if (key === '') return null;
      const left = new Set(key.split(',').filter(Boolean).map(Number));
      return plans.get(key) ?? planOf(key, rules.filter((_, i) => left.has(i)));
    },
    most: rules.reduce((n, r) => mergeNeeds(n, r.needs), NO_NEEDS),
    recordHeld: record.held,
    recordBlocked: record.blocked,
  };
}

const NO_HITS: readonly number[] = Object.freeze([]);
