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

/** What one pass over the message found, shared by every rule of an evaluation. */
interface Scan {
  /** The RE2 sources (pattern and word conditions) that match the message. */
  patterns: ReadonlySet<string>;
  /** How many links the message has (counted once, on first use). */
  links(): number;
}

/** A check's one Scan, filled anew by each evaluation (they run synchronously, one at a time). */
class MessageScan implements Scan {
  patterns: ReadonlySet<string> = new Set();
  private body: string | null = null;
  private count = -1;

  reset(body: string | null, patterns: ReadonlySet<string>) {
    this.body = body;
    this.patterns = patterns;
    this.count = -1;
  }

  links(): number {
    if (this.count < 0) this.count = this.body === null ? 0 : countLinks(this.body);
    return this.count;
  }
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

type Compiled = { cheap?: Test<ProtectionBasics>; costly?: (facts: ProtectionFacts) => boolean; needs?: Partial<FactNeeds>; pattern?: string };

/** One condition as predicates: the part that needs nothing read, and the part on facts with what it needs. */
function compileCondition(c: ProtectionConditionInput): Compiled {
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
      return { needs: { blocks: true }, costly: (f) => f.lastUnblockAt !== null && f.lastUnblockAt >= after(f, c.withinSeconds) };
    case 'contactType':
      return { cheap: (f) => f.contact.type === c.contactType };
    case 'contactAge':
      // In numbers: a Date.parse costs a fraction of making the cut-off's string.
      return { cheap: (f) => Date.parse(f.contact.createdAt) >= f.nowMs - c.maxSeconds * 1000 };
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

// Which rules are left is a bit set in one number: exact up to 2^53, and a trigger has at most
// MAX_PROTECTION_RULES (50). Past 52 rules the key is a string.
const EXACT_BITS = 52;
const MAX_PLANS = 256;

/**
 * The store's side of evaluations by these rules (reusable): the cheap conditions, then the
 * plan of the rules they left. Most messages leave the same rules, so plans (their merged
 * needs and their `decide`) are made once per set of rules left and then only looked up.
 */
export function checkOf(rules: readonly CompiledRule[], record: { held: boolean; blocked: boolean }): ProtectionCheck {
  const match = patternMatcher(rules);
  const scan = new MessageScan();
  const plans = new Map<number | string, ProtectionPlan>();
  const planOf = (key: number | string, bits: (i: number) => boolean): ProtectionPlan => {
    let plan = plans.get(key);
    if (!plan) {
      // Bounded: sets of rules left are few in practice, but a check lives as long as its rules.
      if (plans.size >= MAX_PLANS) plans.clear();
      const left = rules.filter((_, i) => bits(i));
      const needs = left.reduce((n, r) => mergeNeeds(n, r.needs), NO_NEEDS);
      plans.set(key, (plan = { needs, decide: (facts) => decide(left, facts) }));
    }
    return plan;
  };
  return {
    plan(basics) {
      scan.reset(basics.body, match(basics.body));
      let mask = 0;
      let key = '';
      for (let i = 0; i < rules.length; i++) {
        const cheap = rules[i].cheap;
        let holds = true;
        for (let j = 0; j < cheap.length && holds; j++) holds = cheap[j](basics, scan);
        if (!holds) continue;
        if (rules.length <= EXACT_BITS) mask += 2 ** i;
        else key += `${i},`;
      }
      if (rules.length <= EXACT_BITS) return mask === 0 ? null : planOf(mask, (i) => Math.floor(mask / 2 ** i) % 2 === 1);
      const left = new Set(key.split(',').filter(Boolean).map(Number));
      return left.size === 0 ? null : planOf(key, (i) => left.has(i));
    },
    most: rules.reduce((n, r) => mergeNeeds(n, r.needs), NO_NEEDS),
    recordHeld: record.held,
    recordBlocked: record.blocked,
  };
}
