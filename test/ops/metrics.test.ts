import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, startServerProcess, type Cluster, type ServerProcess } from '../support/cluster.js';
import { needPostgresAndRedis } from '../support/services.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { connectVisitor } from '../support/visitor.js';

const API_KEY = `pk_test_${randomBytes(8).toString('hex')}`;
let dir: string;
let server: ServerProcess;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-metrics-'));
  receiver = await startReceiver();
  server = await startServerProcess({
    DATABASE_URL: join(dir, 'parley.db'), PARLEY_API_KEY: API_KEY, PARLEY_SECRET: randomBytes(32).toString('hex'),
    // Two sends per connection, so the third shows up as rate_limited.
    PARLEY_RATE_SEND_PER_CONNECTION: '2/600',
    PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true',
    // A scrape network behind our own (loopback) proxy.
    PARLEY_TRUST_PROXY: 'loopback', PARLEY_METRICS_ALLOW: '10.9.0.0/16',
  });
}, 30_000);
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rest = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${API_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });

/** Scrapes /metrics and reads one sample by name and labels (0 when absent). */
async function scrape(headers: Record<string, string> = {}, base = server.url) {
  const res = await fetch(`${base}/metrics`, { headers });
  const text = await res.text();
  const value = (name: string, labels: Record<string, string> = {}) => {
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
    }
    return 0;
  };
  return { status: res.status, type: res.headers.get('content-type'), text, value };
}

describe('GET /metrics', () => {
  it('answers this machine, the REST key and the scrape network; nobody else', async () => {
    const local = await scrape();
    expect(local.status).toBe(200);
    expect(local.type).toMatch(/^text\/plain; version=0\.0\.4/);
    // Through a proxy on this machine (it forwards someone's request): the key is needed.
    expect((await scrape({ 'x-forwarded-for': '203.0.113.7' })).status).toBe(401);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.7', authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.7', authorization: `Bearer ${API_KEY}` })).status).toBe(200);
    expect((await scrape({ 'x-forwarded-for': '10.9.4.2' })).status).toBe(200);
    expect((await scrape({ 'x-forwarded-for': '10.8.4.2' })).status).toBe(401);
  });

  it('moves the counters as traffic happens: connections, sends by outcome, ack latency, blocks, webhooks', async () => {
    const hook = await rest('POST', '/v2/webhooks', { name: 'Metrics', url: receiver.url, topics: ['contact.blocked'] });
    expect(hook.status).toBe(201);
    const before = await scrape();
    const ok = (b = before) => b.value('parley_sends_total', { sender: 'visitor', outcome: 'ok' });

    const a = await connectVisitor(server.url);
    const b = await connectVisitor(server.url);
    const during = await scrape();
    expect(during.value('parley_connected_visitors')).toBe(before.value('parley_connected_visitors') + 2);

    expect(await a.send('one')).toMatchObject({ ok: true });
    expect(await a.send('two')).toMatchObject({ ok: true });
    expect(await a.send('three')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect((await rest('POST', `/v2/contacts/${b.session.contact.id}/block`)).status).toBe(200);
    await receiver.next((h) => h.body.topic === 'contact.blocked');
    expect(await b.send('blocked')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    expect((await rest('POST', `/v2/contacts/${b.session.contact.id}/unblock`)).status).toBe(200);

    const after = await scrape();
    expect(ok(after) - ok()).toBe(2);
    const outcome = (s: typeof before, o: string) => s.value('parley_sends_total', { sender: 'visitor', outcome: o });
    expect(outcome(after, 'rate_limited') - outcome(before, 'rate_limited')).toBe(1);
    expect(outcome(after, 'contact_blocked') - outcome(before, 'contact_blocked')).toBe(1);
    const acks = (s: typeof before) => ['ok', 'rate_limited', 'contact_blocked']
      .reduce((n, o) => n + s.value('parley_socket_ack_seconds_count', { namespace: '/messenger', event: 'message:send', outcome: o }), 0);
    expect(acks(after) - acks(before)).toBe(4);
    const blocks = (s: typeof before, action: string) => s.value('parley_block_changes_total', { action });
    expect(blocks(after, 'block') - blocks(before, 'block')).toBe(1);
    expect(blocks(after, 'unblock') - blocks(before, 'unblock')).toBe(1);
    // The delivery was received; its attempt is counted once the worker recorded it.
    const deadline = Date.now() + 5000;
    let delivered = 0;
    while (Date.now() < deadline && (delivered = (await scrape()).value('parley_webhook_attempts_total', { outcome: 'delivered' })) < 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(delivered).toBe(1);
    expect(after.text).toMatch(/^parley_webhook_outbox_depth \d+$/m);
    expect(after.text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);

    a.close();
    b.close();
  });
});

// The store reports its own work; SQLite and PostgreSQL append through different code.
const postgres = await needPostgresAndRedis('store metrics on PostgreSQL');
describe('store metrics', () => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    if (postgres) cluster = await startCluster(1);
  }, 30_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it.each(['sqlite', 'postgres'])('count the queries and the append batches of a burst of sends (%s)', async (dialect) => {
    if (dialect === 'postgres' && !postgres) return;
    const base = dialect === 'sqlite' ? server.url : cluster!.nodes[0].url;
    const idle = await scrape({}, base);
    const before = await scrape({}, base);
    // Six new visitors send two messages each, all at once (two: this file's limit per connection).
    const visitors = await Promise.all(Array.from({ length: 6 }, () => connectVisitor(base)));
    const acks = await Promise.all(visitors.flatMap((v) => [v.send('first'), v.send('second')]));
    expect(acks.every((a) => a.ok)).toBe(true);
    const after = await scrape({}, base);
    visitors.forEach((v) => v.close());

    const delta = (name: string, from = before, to = after) => to.value(name) - from.value(name);
    // Every message was stored by exactly one append transaction; how many shared one is the
    // group commit's business (it depends on timing), but never more transactions than messages.
    expect(delta('parley_store_append_batch_size_sum')).toBe(12);
    const batches = delta('parley_store_append_batch_size_count');
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(12);
    expect(delta('parley_store_append_batch_seconds_count')).toBe(batches);
    expect(delta('parley_store_append_batch_seconds_sum')).toBeGreaterThan(0);
    // New visitors' contacts are made through Kysely: more queries than a scrape alone makes
    // (its outbox gauge).
    expect(delta('parley_store_query_seconds_count')).toBeGreaterThan(delta('parley_store_query_seconds_count', idle, before));
    expect(delta('parley_store_query_seconds_sum')).toBeGreaterThan(0);
  });
});
