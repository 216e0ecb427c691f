import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { clientIp, parseTrustProxy } from '../../server/guard/client-ip.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { createAgent, signIn } from '../support/agent.js';
import { http } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectError, connectVisitor } from '../support/visitor.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const xff = (value: string) => ({ extraHeaders: { 'x-forwarded-for': value } });
const peer = (remoteAddress: string, forwarded?: string) => ({ socket: { remoteAddress }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} });

describe('spoofed client address (attack 4)', () => {
  it('refuses PARLEY_TRUST_PROXY=true at start, with a message that says what to set instead', () => {
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: 'true', PARLEY_API_KEY: 'k', PARLEY_SECRET: 's' })).toThrow(/hop count|addresses/);
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: 'not-an-address', PARLEY_API_KEY: 'k', PARLEY_SECRET: 's' })).toThrow(/PARLEY_TRUST_PROXY/);
  });

  it('walks X-Forwarded-For from the right and stops at the first untrusted hop', () => {
    const loopback = parseTrustProxy('loopback');
    expect(clientIp(peer('127.0.0.1', '6.6.6.6, 203.0.113.9'), loopback)).toBe('203.0.113.9');
    // A direct client (not a trusted proxy) is itself the address, whatever it writes.
    expect(clientIp(peer('198.51.100.3', '6.6.6.6'), loopback)).toBe('198.51.100.3');
    expect(clientIp(peer('::ffff:127.0.0.1', '6.6.6.6'), parseTrustProxy(undefined))).toBe('127.0.0.1');
    const twoHops = parseTrustProxy('2');
    expect(clientIp(peer('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.1'), twoHops)).toBe('203.0.113.9');
    expect(clientIp(peer('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.1'), parseTrustProxy('10.0.0.0/8'))).toBe('203.0.113.9');
  });

  it('a client-written leftmost entry neither dodges a per-IP limit nor lands in the audit log', async () => {
    server = await startServer({ trustProxy: parseTrustProxy('loopback'), rateLimits: { ...NO_RATE_LIMITS, leadsPerIp: { points: 2, seconds: 60 } } });
    const url = server.url;
    // The proxy (loopback here) appends the real address; the client prepends whatever it likes.
    for (const spoof of ['1.1.1.1', '2.2.2.2']) (await connectVisitor(url, {}, xff(`${spoof}, 203.0.113.50`))).close();
    const third = await connectError(url, {}, xff('3.3.3.3, 203.0.113.50'));
    expect(third.data).toMatchObject({ code: 'rate_limited' });
    // Another real address still gets in: the limit is per client, not global.
    (await connectVisitor(url, {}, xff('203.0.113.51'))).close();

    await createAgent(server, 'ip-audit@example.com', 'admin');
    expect((await signIn(server, 'ip-audit@example.com', 'wrong password!', { 'x-forwarded-for': '9.9.9.9, 203.0.113.77' })).status).toBe(401);
    const audit = await http(server, 'GET', '/v2/audit-logs?action=auth.login_failed&limit=10');
    expect(audit.json.data[0].request.ipAddress).toBe('203.0.113.77');
  });

  it('ignores X-Forwarded-For entirely when no proxy is trusted', async () => {
    server = await startServer({ rateLimits: { ...NO_RATE_LIMITS, leadsPerIp: { points: 1, seconds: 60 } } });
    (await connectVisitor(server.url, {}, xff('198.51.100.1'))).close();
    expect((await connectError(server.url, {}, xff('198.51.100.2'))).data).toMatchObject({ code: 'rate_limited' });
  });
});
