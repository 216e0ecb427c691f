import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../protocol/agents.js';
import { deriveKeys } from '../../server/auth/keys.js';
import { signSession } from '../../server/auth/session.js';
import { ensureFirstAdmin } from '../../server/core/agents.js';
import { verifyPassword } from '../../server/core/passwords.js';
import { connectAgent, createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createAgent(server, 'ada@example.com', 'admin', 'Ada');
});
afterAll(() => server.close());

const me = (cookie?: string) => fetch(`${server.url}/console/api/me`, { headers: cookie ? { cookie } : {} });

describe('console sign-in', () => {
  it('stores passwords as salted scrypt hashes with their parameters', async () => {
    const agent = await server.parley.store.agents.findByEmail('ada@example.com');
    expect(agent?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', agent!.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong', agent!.passwordHash)).toBe(false);
  });

  it('answers a wrong password or unknown email with 401 and sets no cookie', async () => {
    for (const [email, password] of [['ada@example.com', 'nope nope nope'], ['who@example.com', 'correct horse battery']]) {
      const res = await signIn(server, email, password);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ object: 'error', code: 'unauthorized' });
      expect(res.setCookie).toBe('');
    }
  });

  it('signs in with a httpOnly SameSite=Lax cookie; /me answers the agent; sign-out clears it', async () => {
    const res = await signIn(server, 'ADA@example.com');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ agent: { email: 'ada@example.com', name: 'Ada', role: 'admin' }, canBlock: true });
    expect(res.json.agent).not.toHaveProperty('passwordHash');
    expect(res.setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=s3\\.`));
    expect(res.setCookie).toContain('HttpOnly');
    expect(res.setCookie).toContain('SameSite=Lax');
    expect(res.setCookie).toContain('Path=/');
    expect(res.setCookie).not.toContain('Secure');
    expect((await (await me(res.cookie)).json()).agent.email).toBe('ada@example.com');
    const out = await fetch(`${server.url}/console/api/session`, { method: 'DELETE', headers: { cookie: res.cookie } });
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('revokes the session on sign-out: a copied cookie stops working, and open console sockets are closed', async () => {
    const first = await signIn(server, 'ada@example.com');
    const copy = first.cookie;
    const socket = await connectAgent(server, first.cookie);
    const closed = new Promise((r) => socket.once('disconnect', r));
    const out = await fetch(`${server.url}/console/api/session`, { method: 'DELETE', headers: { cookie: first.cookie } });
    expect(out.status).toBe(200);
    await closed;
    expect((await me(copy)).status).toBe(401);
    const again = await signIn(server, 'ada@example.com');
    expect((await me(again.cookie)).status).toBe(200);
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const res = await signIn(server, 'ada@example.com', undefined, { 'x-forwarded-proto': 'https' });
    expect(res.setCookie).toContain('Secure');
  });

  it('refuses /me without a cookie, with a tampered one and with an expired one', async () => {
    const { cookie } = await signIn(server, 'ada@example.com');
    expect((await me()).status).toBe(401);
    const tampered = cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BB' : 'AA');
    expect((await me(tampered)).status).toBe(401);
    const agent = (await server.parley.store.agents.findByEmail('ada@example.com'))!;
    expect((await me(`${SESSION_COOKIE}=${signSession(agent.id, agent.sessionEpoch, deriveKeys('another secret').session)}`)).status).toBe(401);
    expect((await me(`${SESSION_COOKIE}=${signSession(agent.id, agent.sessionEpoch, server.parley.config.keys.session, Date.now() - 8 * 24 * 3600_000)}`)).status).toBe(401);
    expect((await me(`${SESSION_COOKIE}=${signSession(agent.id, agent.sessionEpoch + 1, server.parley.config.keys.session)}`)).status).toBe(401);
    expect((await (await me(`${SESSION_COOKIE}=${signSession(agent.id, agent.sessionEpoch, server.parley.config.keys.session)}`)).json()).agent.id).toBe(agent.id);
  });

  it('refuses a cross-origin sign-in', async () => {
    const res = await signIn(server, 'ada@example.com', undefined, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.setCookie).toBe('');
  });
});

describe('/agents socket auth', () => {
  it('refuses a connection without a cookie with connect_error data {code,message}', async () => {
    const err = await connectAgent(server, null).catch((e) => e);
    expect(err.data).toEqual({ code: 'unauthorized', message: expect.any(String) });
  });

  it('refuses a tampered cookie and a cross-origin handshake, accepts a signed-in agent', async () => {
    const { cookie } = await signIn(server, 'ada@example.com');
    const tampered = cookie.replace(/\.([^.]+)$/, '.' + 'x'.repeat(43));
    expect((await connectAgent(server, tampered).catch((e) => e)).data?.code).toBe('unauthorized');
    expect((await connectAgent(server, cookie, { origin: 'https://evil.example' }).catch((e) => e)).data?.code).toBe('forbidden');
    const socket = await connectAgent(server, cookie);
    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe('first start', () => {
  it('creates one admin when there are no agents, and none afterwards', async () => {
    const fresh = await startServer();
    try {
      const made = await ensureFirstAdmin(fresh.parley.core.agents, fresh.parley.store, { password: 'a known password' });
      expect(made).toEqual({ email: 'admin@parley.local', password: 'a known password' });
      expect(await ensureFirstAdmin(fresh.parley.core.agents, fresh.parley.store)).toBeNull();
      expect((await signIn(fresh, 'admin@parley.local', 'a known password')).json.agent.role).toBe('admin');
      const generated = await ensureFirstAdmin(fresh.parley.core.agents, fresh.parley.store);
      expect(generated).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});
