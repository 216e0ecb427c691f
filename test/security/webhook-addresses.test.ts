import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../server/store/store.js';
import { blockContact, http, sdk } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';

// Webhook targets: never the server's own network unless PARLEY_WEBHOOKS_ALLOW_PRIVATE says so.
const FAST = { maxAttempts: 3, retryBaseMs: 50, pollMs: 50 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function server(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const s = await startServer({ webhookDelivery: FAST, ...overrides });
  cleanups.push(() => s.close());
  return s;
}
async function receiver() {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

/** Polls until `check` returns a value (the delivery outcome is written after the attempt). */
async function until<T>(check: () => Promise<T | null | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const settled = (s: TestServer, webhookId: string) =>
  until(async () => (await s.parley.store.webhooks.listDeliveries(webhookId, 10)).find((d: DeliveryRecord) => d.status !== 'pending'), 'a settled delivery');

/** Fires a contact.blocked event. */
async function blockSomeone(s: TestServer) {
  const v = await connectVisitor(s.url);
  cleanups.push(() => v.close());
  await blockContact(s, v.session.contact.id, 'spam');
}

/** A webhook saved earlier with a public URL, whose target now is `url` (DNS changed, or an older version saved it). */
async function savedWebhook(s: TestServer, url: string) {
  const hook = await sdk(s).webhooks.create({ name: 'saved', url: 'https://example.com/hooks', topics: ['contact.blocked'] as any });
  await s.parley.store.webhooks.update(hook.id, { url });
  return hook;
}

describe('webhook target addresses', () => {
  it('refuses loopback, private, link-local, CGNAT, unique-local, unspecified and multicast literals at create and update', async () => {
    const s = await server();
    const forbidden = [
      'http://127.0.0.1:8080/hooks', 'http://10.0.0.5/hooks', 'http://172.16.1.1/hooks', 'http://192.168.1.10/hooks',
      'http://169.254.169.254/latest/meta-data/', 'http://100.64.0.1/hooks', 'http://0.0.0.0:3000/hooks', 'http://224.0.0.1/hooks',
      'http://[::1]:3000/hooks', 'http://[fd00::1]/hooks', 'http://[fe80::1]/hooks', 'http://[::]/hooks', 'http://[ff02::1]/hooks',
      'http://[::ffff:127.0.0.1]/hooks', 'http://[::ffff:a9fe:a9fe]/hooks', 'http://2130706433/hooks', 'http://0x7f.1/hooks',
      'http://localhost:3000/hooks', 'http://api.localhost/hooks',
    ];
    for (const url of forbidden) {
      const res = await http(s, 'POST', '/v2/webhooks', { body: { name: 'x', url, topics: ['contact.blocked'] } });
      expect(res.status, url).toBe(400);
      expect(res.json, url).toMatchObject({ code: 'invalid_payload', message: expect.stringContaining('not allowed') });
    }
    const ok = await sdk(s).webhooks.create({ name: 'public', url: 'https://example.com/hooks', topics: ['contact.blocked'] as any });
    const patched = await http(s, 'PATCH', `/v2/webhooks/${ok.id}`, { body: { url: 'http://10.1.2.3/hooks' } });
    expect(patched.json).toMatchObject({ code: 'invalid_payload', message: expect.stringContaining('10.1.2.3') });
    expect((await sdk(s).webhooks.retrieve(ok.id)).url).toBe('https://example.com/hooks');
  });

  it('does not deliver to a real receiver on 127.0.0.1 and records the refusal, not its status code; webhooksAllowPrivate does', async () => {
    const s = await server();
    const r = await receiver();
    const hook = await savedWebhook(s, r.url);
    await blockSomeone(s);
    const delivery = await settled(s, hook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastError: 'address not allowed (127.0.0.1)' });
    expect(r.received).toHaveLength(0);
    const after = await sdk(s).webhooks.retrieve(hook.id);
    expect(after.lastStatus).toMatchObject({ code: 0, message: 'address not allowed (127.0.0.1)' });
    expect(after.health.consecutiveFailures).toBe(1);

    // The development setting lets the same receiver be created and reached.
    const dev = await server({ webhooksAllowPrivate: true });
    const local = await sdk(dev).webhooks.create({ name: 'local', url: r.url, topics: ['contact.blocked'] as any });
    await blockSomeone(dev);
    await r.next((h) => h.body.topic === 'contact.blocked');
    expect(await settled(dev, local.id)).toMatchObject({ status: 'delivered', lastError: null });
  });

  it('checks the resolved address at delivery: a name resolving to loopback is refused', async () => {
    const s = await server();
    const r = await receiver();
    const hook = await savedWebhook(s, r.url.replace('127.0.0.1', 'localhost'));
    await blockSomeone(s);
    const delivery = await settled(s, hook.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.lastError).toMatch(/^address not allowed \((127\.0\.0\.1|::1)\)$/);
    expect(r.received).toHaveLength(0);
  });

  it('refuses an IPv4-mapped IPv6 literal at delivery', async () => {
    const s = await server();
    const r = await receiver();
    const hook = await savedWebhook(s, r.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'));
    await blockSomeone(s);
    expect(await settled(s, hook.id)).toMatchObject({ status: 'failed', lastError: 'address not allowed (::ffff:7f00:1)' });
    expect(r.received).toHaveLength(0);
  });

});

describe('reserved webhook headers', () => {
  it('refuses caller headers named like the ones Parley sets, at create and update', async () => {
    const s = await server();
    const reserved = ['X-Webhook-Signature', 'x-webhook-timestamp', 'X-WEBHOOK-TOPIC', 'X-Webhook-Anything', 'Content-Type', 'content-length', 'Host', 'User-Agent', 'Transfer-Encoding', 'Connection'];
    for (const name of reserved) {
      const res = await http(s, 'POST', '/v2/webhooks', { body: { name: 'x', url: 'https://example.com/h', topics: ['contact.blocked'], requestConfig: { headers: { [name]: 'forged' } } } });
      expect(res.status, name).toBe(400);
      expect(res.json, name).toMatchObject({ code: 'invalid_payload', message: expect.stringContaining(name) });
    }
    const hook = await sdk(s).webhooks.create({ name: 'ok', url: 'https://example.com/h', topics: ['contact.blocked'] as any, requestConfig: { headers: { 'X-Custom': 'yes' } } });
    const patched = await http(s, 'PATCH', `/v2/webhooks/${hook.id}`, { body: { requestConfig: { headers: { 'x-webhook-signature': 'forged' } } } });
    expect(patched.json).toMatchObject({ code: 'invalid_payload' });
    expect((await sdk(s).webhooks.retrieve(hook.id)).requestConfig.headers).toEqual({ 'X-Custom': 'yes' });
  });

  it("sends Parley's own signature and topic even when stored headers try to override them", async () => {
    const s = await server({ webhooksAllowPrivate: true });
    const r = await receiver();
    const hook = await sdk(s).webhooks.create({ name: 'h', url: r.url, topics: ['contact.blocked'] as any });
    // As an older version could have stored them.
    await s.parley.store.webhooks.update(hook.id, { headers: { 'X-Webhook-Signature': 'forged', 'X-WEBHOOK-TOPIC': 'forged', 'Content-Type': 'text/plain', 'X-Custom': 'yes' } });
    await blockSomeone(s);
    const got = await r.next((h) => h.body.topic === 'contact.blocked');
    const timestamp = String(got.headers['x-webhook-timestamp']);
    expect(got.headers['x-webhook-signature']).toBe(createHmac('sha256', hook.secret).update(`${timestamp}.${got.raw}`).digest('hex'));
    expect(got.headers['x-webhook-topic']).toBe('contact.blocked');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-custom']).toBe('yes');
  });
});
