// Issue 10, item 5 across processes: the sign-in attempt counters live in Redis, so parallel
// guesses spread over two Parley processes are still capped at the limit.
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/agent.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import type { TestServer } from '../support/server.js';
import { needPostgresAndRedis } from '../support/services.js';

const ready = await needPostgresAndRedis('sign-in guessing cluster tests');
const ADMIN_PASSWORD = 'cluster guessing admin';
const PER_IP = 10;
const PER_ACCOUNT = 6;
const PARALLEL = 40;
let cluster: Cluster;
let admin: string;
const node = (i: number) => ({ url: cluster.nodes[i].url }) as TestServer;
// Counters in Redis outlive a run: addresses and accounts of their own for this one.
const run = randomBytes(4).toString('hex');
const net = `10.${randomInt(1, 255)}.${randomInt(1, 255)}`;
let host = 1;
const freshIp = () => ({ 'x-forwarded-for': `${net}.${host++}` });

beforeAll(async () => {
  if (!ready) return;
  cluster = await startCluster(2, {
    PARLEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PARLEY_TRUST_PROXY: 'loopback',
    PARLEY_RATE_SIGN_IN_FAILURES_PER_IP: `${PER_IP}/600`,
    PARLEY_RATE_SIGN_IN_FAILURES_PER_ACCOUNT: `${PER_ACCOUNT}/900`,
  });
  admin = (await signIn(node(0), 'admin@parley.local', ADMIN_PASSWORD, freshIp())).cookie;
}, 60_000);
afterAll(async () => {
  await cluster?.close();
});

async function addAgent(email: string) {
  const res = await fetch(`${cluster.nodes[0].url}/console/api/agents`, {
    method: 'POST',
    headers: { cookie: admin, 'content-type': 'application/json' },
    body: JSON.stringify({ email, role: 'agent', password: 'the right password' }),
  });
  expect(res.status).toBe(201);
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe.skipIf(!ready)('parallel password guessing across two Parley processes (Redis)', () => {
  it(`lets ${PER_IP} of ${PARALLEL} parallel wrong sign-ins from one address, spread over both processes, reach the check`, async () => {
    const emails = Array.from({ length: 8 }, (_, i) => `ip-${run}-${i}@example.com`);
    for (const e of emails) await addAgent(e);
    const ip = freshIp();
    const statuses = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => signIn(node(i % 2), emails[i % 8], `wrong ${i}`, ip).then((r) => r.status)));
    expect(count(statuses, 401)).toBe(PER_IP);
    expect(count(statuses, 429)).toBe(PARALLEL - PER_IP);
    expect((await signIn(node(1), emails[0], 'the right password', ip)).status).toBe(429);
    expect((await signIn(node(1), emails[0], 'the right password', freshIp())).status).toBe(200);
  });

  it(`caps parallel guesses against one account from many addresses at ${PER_ACCOUNT}, on both processes`, async () => {
    const email = `account-${run}@example.com`;
    await addAgent(email);
    const statuses = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => signIn(node(i % 2), email, `guess ${i}`, freshIp()).then((r) => r.status)));
    expect(count(statuses, 401)).toBe(PER_ACCOUNT);
    expect(count(statuses, 429)).toBe(PARALLEL - PER_ACCOUNT);
    for (const i of [0, 1]) expect((await signIn(node(i), email, 'the right password', freshIp())).status).toBe(429);
  });
});
