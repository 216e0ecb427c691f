import { DEFAULT_BLOCK_POLICY } from '../../server/core/contacts.js';
import { parseTrustProxy } from '../../server/guard/client-ip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { http, sdk } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';

// Visitors come "from" different addresses through X-Forwarded-For (the server trusts it here).
const from = (ip: string) => ({ extraHeaders: { 'x-forwarded-for': ip } });
const MINUTE = 60_000;

let server: TestServer;
const visitors: Visitor[] = [];
const visit = async (ip: string, auth: Parameters<typeof connectVisitor>[1] = {}) => {
  const v = await connectVisitor(server.url, auth, from(ip));
  visitors.push(v);
  return v;
};
afterEach(async () => {
  visitors.splice(0).forEach((v) => v.close());
  await server?.close();
});

const block = (id: string, body: Record<string, unknown> = {}) => http(server, 'POST', `/v2/contacts/${id}/block`, { body });

describe('wider blocks: device and IP', () => {
  it('creates a blocked lead for a visitor who clears storage and comes back from the same IP, and says why', async () => {
    server = await startServer({ trustProxy: parseTrustProxy('loopback') });
    const spammer = await visit('203.0.113.5');
    expect((await spammer.send('spam')).ok).toBe(true);
    expect((await block(spammer.session.contact.id, { reason: 'spam', scope: 'device_and_ip' })).status).toBe(200);

    // Storage cleared: no visitor token, so a new lead.
    const again = await visit('203.0.113.5');
    expect(again.session.contact.id).not.toBe(spammer.session.contact.id);
    expect(again.session.contact.blocked).toBe(true);
    expect(await again.send('still spam')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });

    const contact = await sdk(server).users.contacts.retrieve(again.session.contact.id);
    expect(contact).toMatchObject({ blocked: true });
    // The IP part lasts PARLEY_IP_BLOCK_MINUTES (default 1440), so the new lead's block does too.
    const until = Date.parse((contact as any).blockedUntil);
    expect(until).toBeGreaterThan(Date.now() + 1430 * MINUTE);
    expect(until).toBeLessThan(Date.now() + 1441 * MINUTE);
    const history = await http(server, 'GET', `/v2/contacts/${again.session.contact.id}/blocks`);
    expect(history.json.data).toMatchObject([{ action: 'block', actorType: 'system', reason: expect.stringContaining('203.0.113.5') }]);
    expect(history.json.data[0].reason).toContain(spammer.session.contact.id);

    // Someone else, elsewhere, is not affected.
    const other = await visit('198.51.100.9');
    expect(other.session.contact.blocked).toBe(false);
    expect((await other.send('hello')).ok).toBe(true);
  });

  it('blocks new leads from the same device id on another IP, for as long as the block lasts', async () => {
    server = await startServer({ trustProxy: parseTrustProxy('loopback') });
    const spammer = await visit('203.0.113.6', { deviceId: 'device-abc' });
    await block(spammer.session.contact.id, { scope: 'device_and_ip' });
    const moved = await visit('192.0.2.44', { deviceId: 'device-abc' });
    expect(moved.session.contact.blocked).toBe(true);
    expect(((await sdk(server).users.contacts.retrieve(moved.session.contact.id)) as any).blockedUntil).toBeNull();
    const otherDevice = await visit('192.0.2.45', { deviceId: 'device-xyz' });
    expect(otherDevice.session.contact.blocked).toBe(false);
  });

  it('blocks only the contact by default: a new lead from the same IP can write', async () => {
    server = await startServer({ trustProxy: parseTrustProxy('loopback') });
    const spammer = await visit('203.0.113.7');
    await block(spammer.session.contact.id, { reason: 'spam' });
    const neighbour = await visit('203.0.113.7');
    expect(neighbour.session.contact.blocked).toBe(false);
    expect((await neighbour.send('hi')).ok).toBe(true);
  });

  it('uses the server setting for the default scope and IP block length', async () => {
    server = await startServer({ trustProxy: parseTrustProxy('loopback'), blockPolicy: { ...DEFAULT_BLOCK_POLICY, scope: 'device_and_ip', ipBlockMinutes: 5 } });
    const spammer = await visit('203.0.113.8');
    expect((await sdk(server).users.contacts.block(spammer.session.contact.id))).toMatchObject({ blocked: true });
    const again = await visit('203.0.113.8');
    expect(again.session.contact.blocked).toBe(true);
    const until = Date.parse(((await sdk(server).users.contacts.retrieve(again.session.contact.id)) as any).blockedUntil);
    expect(until).toBeGreaterThan(Date.now() + 4 * MINUTE);
    expect(until).toBeLessThan(Date.now() + 6 * MINUTE);
    // A block body still narrows it for one contact.
    const other = await visit('203.0.113.9');
    await block(other.session.contact.id, { scope: 'contact' });
    expect((await visit('203.0.113.9')).session.contact.blocked).toBe(false);
  });

  it('lifts the IP and device rules when the contact is unblocked', async () => {
    server = await startServer({ trustProxy: parseTrustProxy('loopback') });
    const spammer = await visit('203.0.113.10', { deviceId: 'dev-lift' });
    await block(spammer.session.contact.id, { scope: 'device_and_ip', ipBlockMinutes: 60 });
    expect((await visit('203.0.113.10')).session.contact.blocked).toBe(true);
    expect((await http(server, 'POST', `/v2/contacts/${spammer.session.contact.id}/unblock`)).status).toBe(200);
    expect((await visit('203.0.113.10', { deviceId: 'dev-lift' })).session.contact.blocked).toBe(false);
  });
});

describe('temporary blocks', () => {
  it('shows blockedUntil, refuses sends until then, and lets the visitor write again once it has passed', async () => {
    server = await startServer();
    const v = await visit('127.0.0.1');
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const blocked = v.next('contact:blocked');
    expect((await block(v.session.contact.id, { expiresAt })).status).toBe(200);
    expect(await blocked).toEqual({ contactId: v.session.contact.id, blockedUntil: expiresAt });
    expect(await sdk(server).users.contacts.retrieve(v.session.contact.id)).toMatchObject({ blocked: true, blockedUntil: expiresAt });
    expect(await v.send('too soon')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    // The widget is told when the block ends; then sending works again.
    await v.next('contact:unblocked');
    expect((await v.send('back again')).ok).toBe(true);
    expect(await sdk(server).users.contacts.retrieve(v.session.contact.id)).toMatchObject({ blocked: false });
  });

  it('turns a temporary block into a permanent one when blocked again with expiresAt null', async () => {
    server = await startServer();
    const v = await visit('127.0.0.1');
    await block(v.session.contact.id, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await block(v.session.contact.id, { expiresAt: null });
    expect(await sdk(server).users.contacts.retrieve(v.session.contact.id)).toMatchObject({ blocked: true, blockedUntil: null });
  });

  it('refuses an expiry in the past, a bad date, an unknown scope and a bad IP block length with invalid_payload', async () => {
    server = await startServer();
    const v = await visit('127.0.0.1');
    const id = v.session.contact.id;
    for (const body of [
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
      { expiresAt: 'tomorrow' },
      { scope: 'everything' },
      { ipBlockMinutes: 0 },
      { ipBlockMinutes: '60' },
    ]) {
      const res = await block(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('invalid_payload');
    }
    expect((await sdk(server).users.contacts.retrieve(id)) as any).toMatchObject({ blocked: false });
  });
});
