import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';

export const KEY_USAGE = 'parley key rotate [--grace-hours <hours, default 24>]';

/**
 * `parley key rotate`: a new REST key, with the settings that keep the current one valid for
 * a grace period while the business's backends move to the new one. Keys live in the
 * environment, so this prints them rather than storing anything; a rolling restart applies them.
 */
export function key(config: Config, args: string[], out: (line: string) => void, now = Date.now()): number {
  const [action, ...rest] = args;
  let hours = 24;
  try {
    const { values } = parseArgs({ args: rest, options: { 'grace-hours': { type: 'string' } }, strict: true });
    if (values['grace-hours'] !== undefined) hours = Number(values['grace-hours']);
  } catch (err) {
    out((err as Error).message);
    hours = Number.NaN;
  }
  if (action !== 'rotate' || !Number.isFinite(hours) || hours <= 0 || hours > 24 * 90) {
    out(`usage: ${KEY_USAGE}   (grace: more than 0 hours, at most 90 days)`);
    return 2;
  }
  const fresh = `pk_${randomBytes(24).toString('base64url')}`;
  const until = new Date(now + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  out('Set these in the server\'s environment, then restart the processes one at a time:');
  out(`  PARLEY_API_KEY=${fresh}`);
  out(`  PARLEY_API_KEY_PREVIOUS=${config.apiKey}`);
  out(`  PARLEY_API_KEY_PREVIOUS_UNTIL=${until}`);
  out(`Both keys work until ${until}; move your backends to the new key before then, and remove the two PREVIOUS settings afterwards.`);
  return 0;
}
