import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { parseRule, rateLimitsFromEnv } from '../../server/config.js';
import { http } from '../support/api.js';
import { createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectError, connectVisitor } from '../support/visitor.js';

describe('rate limit settings', () => {
  it('parses points/seconds, off, and refuses nonsense', () => {
    expect(parseRule('30/10')).toEqual({ points: 30, seconds: 10 });
    expect(parseRule('5/60s')).toEqual({ points: 5, seconds: 60 });
    expect(parseRule('off')).toBeNull();
    expect(() => parseRule('lots')).toThrow(/points\/seconds/);
    expect(rateLimitsFromEnv({})).toEqual(DEFAULT_RATE_LIMITS);
    expect(rateLimitsFromEnv({ PARLEY_RATE_SEND_PER_CONTACT: '3/1' }).sendPerContact).toEqual({ points: 3, seconds: 1 });
  });
});

describe('a flood from one visitor', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      rateLimits: { ...NO_RATE_LIMITS, sendPerConnection: { points: 5, seconds: 60 }, sendPerContact: { points: 8, seconds: 60 }, leadsPerIp: { points: 6, seconds: 60 }, restPerIp: { points: 40, seconds: 60 } },
    });
  });
  afterAll(() => server.close());

  it('answers rate_limited per connection, then per contact across tabs, storing only what was acked', async () => {
    const tab1 = await connectVisitor(server.url);
    const acks = [];
    for (let i = 0; i < 7; i++) acks.push(await tab1.send(`flood ${i}`));
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    const refused = acks.find((a) => !a.ok);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/retry in \d+ s/) } });
    // A second tab of the same contact gets the per-contact remainder (8 - 5 = 3), then stops.
    const tab2 = await connectVisitor(server.url, { visitorToken: tab1.session.visitorToken });
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await tab2.send(`tab2 ${i}`));
    expect(more.filter((a) => a.ok)).toHaveLength(3);
    const history = await tab2.history(null);
    expect(history.ok && history.messages).toHaveLength(8);
    tab1.close();
    tab2.close();
  });

  it('limits new leads per IP with a clear connect_error, while returning visitors still connect', async () => {
    const first = await connectVisitor(server.url);
    let refused;
    for (let i = 0; i < 10 && !refused; i++) {
      try {
        (await connectVisitor(server.url)).close();
      } catch (err) {
        refused = err as { data?: unknown };
      }
    }
    expect(refused?.data).toMatchObject({ code: 'rate_limited' });
    const back = await connectVisitor(server.url, { visitorToken: first.session.visitorToken });
    expect(back.session.contact.id).toBe(first.session.contact.id);
    first.close();
    back.close();
  });

  it('answers 429 with Retry-After to REST floods', async () => {
    let last;
    for (let i = 0; i < 45; i++) {
      last = await http(server, 'GET', '/v2/conversations');
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    expect(last!.json).toMatchObject({ object: 'error', code: 'rate_limited' });
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('defaults', () => {
  it('lets a person chatting at human speed through with the default limits', async () => {
    const server = await startServer({ rateLimits: DEFAULT_RATE_LIMITS });
    try {
      const v = await connectVisitor(server.url);
      for (let i = 0; i < 10; i++) expect(await v.send(`normal ${i}`)).toMatchObject({ ok: true });
      v.close();
      expect((await connectError(server.url, { visitorToken: 'v1.bad' })).data).toMatchObject({ code: 'identity_invalid' });
    } finally {
      await server.close();
    }
  });
});

describe('console sign-in guessing', () => {
  it('refuses sign-ins from an address after too many failures, even with the right password', async () => {
    const server = await startServer({ rateLimits: { ...NO_RATE_LIMITS, signInFailuresPerIp: { points: 3, seconds: 600 } } });
    try {
      await createAgent(server, 'guard@example.com', 'admin');
      expect((await signIn(server, 'guard@example.com')).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await signIn(server, 'guard@example.com', 'wrong password')).status).toBe(401);
      const refused = await signIn(server, 'guard@example.com');
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject({ code: 'rate_limited' });
    } finally {
      await server.close();
    }
  });
});
