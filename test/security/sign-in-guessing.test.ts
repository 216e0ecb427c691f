// Issue 10, item 5: password guessing in parallel. Each sign-in spends one point per address
// and one per account BEFORE the password check, so parallel guesses cannot all reach it;
// a correct password gets its points back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../../server/guard/client-ip.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { createAgent, PASSWORD, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';

const PER_IP = 10;
const PER_ACCOUNT = 5;
const PARALLEL = 40;

let server: TestServer;
let nextIp = 1;
/** A client address of its own (the server trusts X-Forwarded-For from loopback). */
const freshIp = () => ({ 'x-forwarded-for': `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}` });

beforeAll(async () => {
  server = await startServer({
    trustProxy: parseTrustProxy('loopback'),
    rateLimits: { ...NO_RATE_LIMITS, signInFailuresPerIp: { points: PER_IP, seconds: 600 }, signInFailuresPerAccount: { points: PER_ACCOUNT, seconds: 900 } },
  });
});
afterAll(() => server.close());

/** How many wrong passwords reached the check: each one leaves an `auth.login_failed` entry. */
async function checkedFailures(email: string) {
  const page = await server.parley.core.audit.list({ limit: 200, action: 'auth.login_failed' });
  return page.items.filter((e) => e.description.endsWith(` for ${email}`)).length;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('parallel password guessing', () => {
  it(`lets at most ${PER_IP} of ${PARALLEL} parallel wrong sign-ins from one address reach the password check`, async () => {
    // Ten accounts, four guesses each: only the address rule can stop this.
    const emails = Array.from({ length: 10 }, (_, i) => `ip-target-${i}@example.com`);
    await Promise.all(emails.map((e) => createAgent(server, e)));
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => signIn(server, emails[i % 10], `wrong password ${i}`, ip)));
    const statuses = answers.map((a) => a.status);
    expect(count(statuses, 401)).toBe(PER_IP);
    expect(count(statuses, 429)).toBe(PARALLEL - PER_IP);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.json).toMatchObject({ object: 'error', code: 'rate_limited' });
    // While the address is spent, even the right password is refused without being checked.
    const right = await fetch(`${server.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ip },
      body: JSON.stringify({ email: emails[0], password: PASSWORD }),
    });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(600);
    expect(right.headers.get('set-cookie')).toBeNull();
    let checked = 0;
    for (const e of emails) checked += await checkedFailures(e);
    expect(checked).toBe(PER_IP);
    // Another address is not affected.
    expect((await signIn(server, emails[0], PASSWORD, freshIp())).status).toBe(200);
  });

  it(`caps guesses against one account from ${PARALLEL} different addresses at ${PER_ACCOUNT}`, async () => {
    const email = 'many-ips@example.com';
    await createAgent(server, email);
    const ips = Array.from({ length: PARALLEL }, freshIp);
    const answers = await Promise.all(ips.map((ip, i) => signIn(server, email, `guess ${i}`, ip)));
    const statuses = answers.map((a) => a.status);
    expect(count(statuses, 401)).toBe(PER_ACCOUNT);
    expect(count(statuses, 429)).toBe(PARALLEL - PER_ACCOUNT);
    expect(await checkedFailures(email)).toBe(PER_ACCOUNT);
    // The account is spent for every address, the right password included; the email's case does not matter.
    const right = await signIn(server, 'MANY-IPS@example.com', PASSWORD, freshIp());
    expect(right.status).toBe(429);
    expect(right.setCookie).toBe('');
    // Other accounts sign in from the same addresses.
    await createAgent(server, 'bystander@example.com');
    expect((await signIn(server, 'bystander@example.com', PASSWORD, ips[0])).status).toBe(200);
  });

  it('gives the points back on a correct password, so sign-ins never use up the account; failures still count', async () => {
    const email = 'refund@example.com';
    await createAgent(server, email);
    const ip = freshIp();
    for (let i = 0; i < PER_ACCOUNT - 1; i++) expect((await signIn(server, email, 'wrong password', ip)).status).toBe(401);
    // More successes than the account has points: each one is refunded.
    for (let i = 0; i < PER_ACCOUNT + 2; i++) expect((await signIn(server, email, PASSWORD, ip)).status).toBe(200);
    expect((await signIn(server, email, 'wrong password', ip)).status).toBe(401);
    expect((await signIn(server, email, 'wrong password', ip)).status).toBe(429);
    expect((await signIn(server, email, PASSWORD, ip)).status).toBe(429);
  });

  it('counts a wrong current password in a password change like a failed sign-in', async () => {
    const email = 'changer@example.com';
    await createAgent(server, email);
    const { cookie } = await signIn(server, email, PASSWORD, freshIp());
    const change = (currentPassword: string, ip: Record<string, string>) =>
      fetch(`${server.url}/console/api/me/password`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie, ...ip },
        body: JSON.stringify({ currentPassword, newPassword: 'a brand new password' }),
      });
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => change(`guess ${i}`, freshIp()).then((r) => r.status)));
    expect(count(statuses, 403)).toBe(PER_ACCOUNT);
    expect(count(statuses, 429)).toBe(12 - PER_ACCOUNT);
    expect((await change(PASSWORD, freshIp())).status).toBe(429);
  });
});
