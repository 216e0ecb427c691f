// Issue 10, item 8 across processes: a deactivation or password reset made on one Parley
// process closes the agent's console sockets on every process (Redis adapter) at once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamMemberDto } from '../../protocol/agents.js';
import { connectAgent, signIn, type AgentSocket } from '../support/agent.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import type { TestServer } from '../support/server.js';
import { needPostgresAndRedis } from '../support/services.js';

const ready = await needPostgresAndRedis('agent lifecycle cluster tests');
const ADMIN_PASSWORD = 'cluster lifecycle admin';
let cluster: Cluster;
let admin: string;
const node = (i: number) => ({ url: cluster.nodes[i].url }) as TestServer;

beforeAll(async () => {
  if (!ready) return;
  cluster = await startCluster(2, { PARLEY_ADMIN_PASSWORD: ADMIN_PASSWORD });
  admin = (await signIn(node(0), 'admin@parley.local', ADMIN_PASSWORD)).cookie;
}, 60_000);
afterAll(async () => {
  await cluster?.close();
});

async function call(i: number, method: string, path: string, cookie: string, body?: unknown) {
  const res = await fetch(`${cluster.nodes[i].url}/console/api${path}`, {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function disconnected(socket: AgentSocket, ms = 5000) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the socket is still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe.skipIf(!ready)('agent lifecycle across two Parley processes (PostgreSQL + Redis)', () => {
  it('deactivating on one process closes the agent\'s sockets on both and refuses its cookie everywhere', async () => {
    const email = `leaver-${randomBytes(4).toString('hex')}@example.com`;
    const made = await call(0, 'POST', '/agents', admin, { email, name: 'Leaver', role: 'agent', password: 'leaver password 1' });
    expect(made.status).toBe(201);
    const { cookie } = await signIn(node(1), email, 'leaver password 1');
    const sockets = [await connectAgent(node(0), cookie), await connectAgent(node(1), cookie)];
    const gone = Promise.all(sockets.map((s) => disconnected(s)));
    const res = await call(0, 'PATCH', `/agents/${(made.json as TeamMemberDto).id}`, admin, { active: false });
    expect(res.status).toBe(200);
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    for (const i of [0, 1]) {
      expect((await call(i, 'GET', '/me', cookie)).status).toBe(401);
      expect((await connectAgent(node(i), cookie).catch((e) => e)).data?.code).toBe('unauthorized');
    }
    expect((await signIn(node(1), email, 'leaver password 1')).status).toBe(401);
  });

  it('a password reset on one process closes the agent\'s socket on the other', async () => {
    const email = `reset-${randomBytes(4).toString('hex')}@example.com`;
    const made = await call(1, 'POST', '/agents', admin, { email, name: 'Reset', role: 'agent', password: 'reset password 1' });
    const { cookie } = await signIn(node(0), email, 'reset password 1');
    const socket = await connectAgent(node(0), cookie);
    const gone = disconnected(socket);
    const res = await call(1, 'POST', `/agents/${(made.json as TeamMemberDto).id}/password`, admin, {});
    expect(res.status).toBe(200);
    await gone;
    expect((await call(0, 'GET', '/me', cookie)).status).toBe(401);
    expect((await signIn(node(0), email, (res.json as { password: string }).password)).status).toBe(200);
  });
});
