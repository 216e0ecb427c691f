import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/cluster.js';
import { startOwnPostgres, startOwnRedis, type OwnService } from '../support/own-services.js';
import { connectVisitor } from '../support/visitor.js';

// PostgreSQL and Redis of this test's own, really stopped and started under a running server.
let pg: OwnService;
let redis: OwnService;
let server: ServerProcess;
const apiKey = `pk_test_${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
  server = await startServerProcess({
    DATABASE_URL: pg.url, REDIS_URL: redis.url, PARLEY_API_KEY: apiKey, PARLEY_SECRET: randomBytes(32).toString('hex'),
  });
}, 90_000);
afterAll(async () => {
  await server?.stop();
  await Promise.all([pg?.destroy(), redis?.destroy()]);
});

const readyz = async () => {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: await res.json() };
};

async function until(pred: () => boolean, what: string) {
  for (const deadline = Date.now() + 10_000; !pred(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}; server output:\n${server.output().slice(-3000)}`);
  }
}

/** Polls /readyz until `pred` holds (the state changes as connections fail and come back). */
async function readyzUntil(pred: (r: Awaited<ReturnType<typeof readyz>>) => boolean, what: string) {
  const deadline = Date.now() + 30_000;
  let last: unknown = null;
  while (Date.now() < deadline) {
    const now = await readyz().catch((err: Error) => err);
    if (!(now instanceof Error) && pred(now)) return now;
    last = now instanceof Error ? `${now.message} (${(now.cause as Error)?.message})` : now;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/readyz never showed ${what}; last ${JSON.stringify(last)}; server output:\n${server.output().slice(-3000)}`);
}

describe('readiness under a lost and regained store and Redis', () => {
  it('says which dependency is down, recovers when it returns, and loses nothing acked', async () => {
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready', checks: { store: 'ok', migrations: 'done', redis: 'ok' } } });
    const first = await connectVisitor(server.url);
    const acked: string[] = [];
    const before = await first.send('before the outages');
    expect(before).toMatchObject({ ok: true });
    if (before.ok) acked.push(before.message.id);

    await redis.stop();
    const noRedis = await readyzUntil((r) => r.body.checks.redis === 'unreachable', 'redis unreachable');
    expect(noRedis).toEqual({ status: 503, body: { status: 'not_ready', checks: { store: 'ok', migrations: 'done', redis: 'unreachable' } } });
    // Alive all the same: an orchestrator must not restart a process for a dependency's outage.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await redis.start();
    await readyzUntil((r) => r.status === 200, 'ready after Redis came back');

    await pg.stop();
    const noStore = await readyzUntil((r) => r.body.checks.store === 'unreachable', 'store unreachable');
    expect(noStore).toEqual({ status: 503, body: { status: 'not_ready', checks: { store: 'unreachable', redis: 'ok' } } });
    const during = await first.send('while the store is down');
    expect(during).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    // The failure carries a request id, in the answer and on its log line.
    const socketRef = /\(request ([0-9a-f-]{36})\)/.exec(!during.ok ? during.error.message : '')?.[1];
    expect(socketRef).toBeDefined();
    const rest = await fetch(`${server.url}/v2/contacts`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(rest.status).toBe(500);
    const restRef = rest.headers.get('x-request-id')!;
    expect((await rest.json()).message).toContain(`(request ${restRef})`);
    // The log lines travel through a pipe: they may arrive just after the answers.
    const logged = () => server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    await until(() => logged().some((l) => l.msg === 'socket handler failed' && l.reqId === socketRef && l.event === 'message:send'), 'the socket failure logged');
    await until(() => logged().some((l) => l.msg === 'request failed' && l.reqId === restRef && l.url === '/v2/contacts'), 'the HTTP failure logged');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await pg.start();
    await readyzUntil((r) => r.status === 200, 'ready after PostgreSQL came back');

    const after = await first.send('after the outages');
    expect(after).toMatchObject({ ok: true });
    if (after.ok) acked.push(after.message.id);
    first.close();
    // A new connection reads history from the store: every acked message is there, the refused one is not.
    const again = await connectVisitor(server.url, { visitorToken: first.session.visitorToken });
    const history = await again.history(null);
    expect(history.ok && history.messages.map((m) => m.id)).toEqual(acked);
    again.close();
  }, 120_000);
});
