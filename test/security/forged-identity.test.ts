import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../protocol/agents.js';
import { userHash } from '../../server/realtime/identity.js';
import { createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectError, connectVisitor } from '../support/visitor.js';

// The attacker's oracle: a customer backend that returns userHash for any userId it is given.
let server: TestServer;
const oracle = (userId: string) => userHash(userId, server.secret);
const asBase64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const me = (cookie: string) => fetch(`${server.url}/console/api/me`, { headers: { cookie } });

describe('one key signs everything (attack 1)', () => {
  it('a userHash for a chosen userId cannot be turned into an admin console cookie', async () => {
    const admin = await createAgent(server, 'root@example.com', 'admin');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const payload = `${admin.id}.${admin.sessionEpoch}.${exp}`;
    // Every MAC layout the server used or uses: prefixed and bare payload, old and new version tags.
    for (const macInput of [`agent-session:${payload}`, payload]) {
      for (const version of ['s2', 's3']) {
        const forged = `${SESSION_COOKIE}=${version}.${payload}.${asBase64url(oracle(macInput))}`;
        expect((await me(forged)).status).toBe(401);
      }
    }
    // The real sign-in still works (the check above is not refusing everything).
    const real = await signIn(server, 'root@example.com');
    expect((await me(real.cookie)).status).toBe(200);
  });

  it('a userHash cannot be turned into a visitor token', async () => {
    const lead = await connectVisitor(server.url);
    lead.close();
    const id = lead.session.contact.id;
    const v1 = `v1.${id}.${asBase64url(oracle(`visitor:${id}`))}`;
    const payload = `${id}.0.${Math.floor(Date.now() / 1000) + 3600}`;
    for (const token of [v1, `v2.${payload}.${asBase64url(oracle(payload))}`, `v2.${payload}.${asBase64url(oracle(`visitor:${payload}`))}`]) {
      expect((await connectError(server.url, { visitorToken: token })).data).toMatchObject({ code: 'identity_invalid' });
    }
  });

  it('a userHash cannot be turned into an identity JWT, and PARLEY_SECRET does not sign JWTs', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const signingInput = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ userId: 'victim', exp: Math.floor(Date.now() / 1000) + 600 })}`;
    const forged = `${signingInput}.${asBase64url(oracle(signingInput))}`;
    expect((await connectError(server.url, { jwt: forged })).data).toMatchObject({ code: 'identity_invalid' });
    const withSecret = await new SignJWT({ userId: 'victim' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(server.secret));
    expect((await connectError(server.url, { jwt: withSecret })).data).toMatchObject({ code: 'identity_invalid' });
  });
});

describe('identity JWTs (PARLEY_JWT_SECRET)', () => {
  const sign = (claims: Record<string, unknown>, exp?: string | number, iat?: number) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
    if (iat !== undefined) jwt.setIssuedAt(iat);
    if (exp !== undefined) jwt.setExpirationTime(exp);
    return jwt.sign(new TextEncoder().encode(server.jwtSecret));
  };

  it('needs exp, refuses exp beyond the maximum age and an old iat, accepts a fresh token', async () => {
    const noExp = await connectError(server.url, { jwt: await sign({ userId: 'j1' }) });
    expect(noExp.data).toMatchObject({ code: 'identity_invalid' });
    expect(noExp.data!.message).toMatch(/exp/);
    const maxAge = server.parley.config.jwtMaxAgeSeconds;
    const tooLong = await connectError(server.url, { jwt: await sign({ userId: 'j1' }, Math.floor(Date.now() / 1000) + maxAge + 600) });
    expect(tooLong.data!.message).toMatch(/expire within/);
    const old = await connectError(server.url, { jwt: await sign({ userId: 'j1' }, '10m', Math.floor(Date.now() / 1000) - maxAge - 60) });
    expect(old.data!.message).toMatch(/issued more than/);
    const ok = await connectVisitor(server.url, { jwt: await sign({ userId: 'j1', email: 'j1@example.com' }, '10m') });
    expect(ok.session.contact).toMatchObject({ type: 'customer', email: 'j1@example.com' });
    // A customer gets no visitor token: it proves who it is on every connect.
    expect(ok.session.visitorToken).toBeUndefined();
    ok.close();
  });

  it('is off without PARLEY_JWT_SECRET, and says so', async () => {
    const off = await startServer({ jwtSecret: null });
    try {
      const jwt = await new SignJWT({ userId: 'j2' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(server.jwtSecret));
      const err = await connectError(off.url, { jwt });
      expect(err.data).toMatchObject({ code: 'identity_invalid' });
      expect(err.data!.message).toMatch(/PARLEY_JWT_SECRET/);
    } finally {
      await off.close();
    }
  });
});

describe('visitors never see internal agent ids', () => {
  it('an agent reply reaches the visitor with the display name only, live and in history', async () => {
    const agent = await createAgent(server, 'helper@example.com', 'agent', 'Helena');
    const visitor = await connectVisitor(server.url);
    const sent = await visitor.send('hello');
    if (!sent.ok) throw new Error('send failed');
    const live = visitor.next('message:new');
    await server.parley.core.messages.sendAsAdmin({ adminId: agent.id, adminName: agent.name, messageType: 'reply', conversationId: sent.message.conversationId, body: 'hi there', clientId: 'r1' });
    const pushed = await live;
    expect(pushed.author).toEqual({ type: 'admin', name: 'Helena' });
    expect(JSON.stringify(pushed)).not.toContain(agent.id);
    const history = await visitor.history(null);
    if (!history.ok) throw new Error('history failed');
    expect(JSON.stringify(history.messages)).not.toContain(agent.id);
    visitor.close();
  });
});
