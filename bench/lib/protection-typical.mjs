// Twenty rules an admin would plausibly run, across every kind of condition: the rule set of
// both protection benches (core only, bench/protection-send.mjs; real server,
// bench/protection-e2e.mjs). None matches their messages ("hello from the protection bench
// <n>", each text new), so every message is stored and runs with and without rules do the
// same writes.
export const TYPICAL = [
  { conditions: [{ type: 'pattern', pattern: 'free\\s+(money|bitcoin|iphone)' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: '\\b[\\w.]+@[\\w-]+\\.(ru|cn|top)\\b' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: '(?:\\+?\\d[\\s-]?){12,}' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: '[x!?]{20,}' }], action: { type: 'hold' } },
  { conditions: [{ type: 'pattern', pattern: 'whats?app\\s*\\+' }], action: { type: 'temporary_block', seconds: 3600 } },
  { conditions: [{ type: 'words', words: ['casino', 'viagra', 'crypto', 'loan', 'escort', 'forex', 'seo', 'backlinks'] }], action: { type: 'hold' } },
  { conditions: [{ type: 'words', words: ['idiot', 'stupid', 'moron'] }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } },
  { conditions: [{ type: 'words', words: ['kill', 'bomb'] }], action: { type: 'block' } },
  { conditions: [{ type: 'links', min: 4 }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } },
  { conditions: [{ type: 'links', min: 10 }], action: { type: 'temporary_block', seconds: 600 } },
  { conditions: [{ type: 'repeated', count: 5, windowSeconds: 60 }], action: { type: 'hold' } },
  { conditions: [{ type: 'repeated', count: 20, windowSeconds: 3600 }], action: { type: 'temporary_block', seconds: 3600 } },
  { conditions: [{ type: 'length', min: 5000 }, { type: 'contactType', contactType: 'lead' }], action: { type: 'hold' } },
  { conditions: [{ type: 'length', max: 0 }], action: { type: 'hold' }, mode: 'dry_run' },
  { conditions: [{ type: 'contactAge', maxSeconds: 10 }, { type: 'links', min: 1 }], action: { type: 'hold' } },
  { conditions: [{ type: 'newLeads', by: 'ip', count: 50, windowSeconds: 600 }], action: { type: 'hold' } },
  { conditions: [{ type: 'afterUnblock', withinSeconds: 60 }, { type: 'links', min: 1 }], action: { type: 'hold' } },
  { conditions: [{ type: 'earlierBlocks', min: 3 }], action: { type: 'hold' }, mode: 'dry_run' },
  { conditions: [{ type: 'rateLimitHits', count: 3, windowSeconds: 600 }], action: { type: 'temporary_block', seconds: 3600 } },
  { conditions: [{ type: 'pattern', pattern: 'bench (never|nothing) matches' }], action: { type: 'hold' }, mode: 'dry_run' },
];

/** The body of the bench's n-th message. */
export const benchBody = (n) => `hello from the protection bench ${n}`;
