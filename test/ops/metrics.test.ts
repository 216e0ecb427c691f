import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/cluster.js';
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
async function scrape(headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/metrics`, { headers });
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
