import { parseArgs } from 'node:util';
import { AGENT_ROLES, type AgentRole } from '../../protocol/agents.js';
import type { Config } from '../config.js';
import { Core } from '../core/core.js';
import { ParleyError } from '../core/errors.js';
import { generatePassword } from '../core/passwords.js';
import { createStore } from '../store/create-store.js';

export const AGENTS_USAGE = [
  'parley agents create --email <email> [--name <name>] [--role admin|agent] [--password <password>]',
  'parley agents reset-password --email <email> [--password <password>]',
  'parley agents deactivate --email <email>',
  '  (without --password one is generated and printed once)',
];

/**
 * `parley agents …`: console accounts from the command line, through the core's rules
 * (password length, last admin, audit log). Sessions of a changed account are revoked; a
 * console tab it has open is refused at its next reconnect.
 */
export async function agents(config: Config, args: string[], out: (line: string) => void): Promise<number> {
  const [action, ...rest] = args;
  let values: { email?: string; name?: string; role?: string; password?: string } = {};
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    out((err as Error).message);
  }
  if (!values.email || !['create', 'reset-password', 'deactivate'].includes(action ?? '')) {
    AGENTS_USAGE.forEach((l) => out(`usage: ${l}`));
    return 2;
  }
  const role = (values.role ?? 'agent') as AgentRole;
  if (!(AGENT_ROLES as readonly string[]).includes(role)) {
    out(`--role must be ${AGENT_ROLES.join(' or ')}`);
    return 2;
  }
  const store = await createStore(config.databaseUrl, { schema: config.databaseSchema });
  const core = new Core(store);
  try {
    if (action === 'create') {
      const password = values.password || generatePassword();
      const agent = await core.agents.create({ email: values.email, name: values.name ?? '', role, password });
      out(`Created ${agent.role} ${agent.email}${values.password ? '.' : ` with the password ${password}   (shown once)`}`);
    } else if (action === 'reset-password') {
      const { agent, generated } = await core.agents.operatorResetPassword(values.email, values.password);
      out(`New password set for ${agent.email}${generated ? `: ${generated}   (shown once)` : '.'} Every session of it is signed out.`);
    } else {
      const agent = await core.agents.operatorDeactivate(values.email);
      out(`Deactivated ${agent.email}: it cannot sign in, and its sessions are revoked.`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof ParleyError)) throw err;
    out(err.message);
    return 1;
  } finally {
    await store.close();
  }
}
