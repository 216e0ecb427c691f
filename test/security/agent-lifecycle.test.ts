// Issue 10, item 8: a leaked agent password or cookie can be revoked. Admins deactivate,
// reactivate and reset; every agent changes their own password; console sockets end with
// their session. Real server, real HTTP, real socket.io clients; no sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, type MeDto, type PasswordResetResult, type TeamMemberDto } from '../../protocol/agents.js';
import { SESSION_TTL_SECONDS, signSession } from '../../server/auth/session.js';
import { connectAgent, createAgent, PASSWORD, signIn, type AgentSocket } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startServer();
  await createAgent(server, 'root@example.com', 'admin', 'Root');
  admin = (await signIn(server, 'root@example.com')).cookie;
});
afterAll(() => server.close());

/** A console API call with a session cookie; resolves with status, JSON body and headers. */
async function call<T = any>(method: string, path: string, cookie: string | null, body?: unknown) {
  const res = await fetch(`${server.url}/console/api${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T & { code?: string; message?: string }, headers: res.headers };
}

const me = (cookie: string) => call<MeDto>('GET', '/me', cookie);

/** Resolves with the disconnect reason; rejects if the server keeps the socket past `ms`. */
function disconnected(socket: AgentSocket, ms = 5000) {
  return new Promise<string>((resolve, reject) => {
    if (socket.disconnected) return resolve('already');
    const timer = setTimeout(() => reject(new Error(`the socket is still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

async function audit(action: string, resourceId: string) {
  const page = await server.parley.core.audit.list({ limit: 100, action });
  return page.items.filter((e) => e.resource.id === resourceId);
}

async function newAgent(email: string, role: 'admin' | 'agent' = 'agent') {
  const agent = await createAgent(server, email, role);
  const login = await signIn(server, email);
  expect(login.status).toBe(200);
  return { id: agent.id, cookie: login.cookie };
}

describe('deactivation', () => {
  it('closes the open console socket at once, kills the cookie and refuses sign-in; reactivation lets the agent back in with a new session only', async () => {
    const bob = await newAgent('bob@example.com');
    const socket = await connectAgent(server, bob.cookie);
    const gone = disconnected(socket);

    const res = await call<TeamMemberDto>('PATCH', `/agents/${bob.id}`, admin, { active: false });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: bob.id, email: 'bob@example.com', deactivatedAt: expect.any(String) });
    expect(await gone).toBe('io server disconnect');

    expect((await me(bob.cookie)).status).toBe(401);
    expect((await connectAgent(server, bob.cookie).catch((e) => e)).data?.code).toBe('unauthorized');
    const refused = await signIn(server, 'bob@example.com');
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('unauthorized');
    expect(refused.setCookie).toBe('');
    const team = await call<{ data: TeamMemberDto[] }>('GET', '/agents', admin);
    expect(team.json.data.find((a) => a.id === bob.id)?.deactivatedAt).toBe(res.json.deactivatedAt);

    const [entry] = await audit('admin.deactivated', bob.id);
    expect(entry).toMatchObject({ actor: { type: 'admin', email: 'root@example.com' }, resource: { type: 'admin', id: bob.id, name: 'bob@example.com' }, request: { ipAddress: '127.0.0.1' } });
    const failed = (await server.parley.core.audit.list({ limit: 100, action: 'auth.login_failed' })).items.filter((e) => e.resource.name === 'bob@example.com');
    expect(failed.map((e) => e.metadata)).toEqual([{ reason: 'deactivated' }]);

    const back = await call<TeamMemberDto>('PATCH', `/agents/${bob.id}`, admin, { active: true });
    expect(back.status).toBe(200);
    expect(back.json.deactivatedAt).toBeNull();
    expect(await audit('admin.reactivated', bob.id)).toHaveLength(1);
    // The cookie from before the deactivation stays dead; a new sign-in works.
    expect((await me(bob.cookie)).status).toBe(401);
    const again = await signIn(server, 'bob@example.com');
    expect(again.status).toBe(200);
    (await connectAgent(server, again.cookie)).close();
  });

  it("refuses a deactivated agent's session even when the token carries the current epoch", async () => {
    const cat = await newAgent('cat@example.com');
    expect((await call('PATCH', `/agents/${cat.id}`, admin, { active: false })).status).toBe(200);
    const record = (await server.parley.store.agents.get(cat.id))!;
    const forged = `${SESSION_COOKIE}=${signSession(cat.id, record.sessionEpoch, server.parley.config.keys.session)}`;
    expect((await me(forged)).status).toBe(401);
    expect((await connectAgent(server, forged).catch((e) => e)).data?.code).toBe('unauthorized');
  });

  it('refuses deactivating oneself, agents deactivating anyone, unknown and malformed ids', async () => {
    const dan = await newAgent('dan@example.com');
    const rootId = (await server.parley.store.agents.findByEmail('root@example.com'))!.id;
    expect(await call('PATCH', `/agents/${rootId}`, admin, { active: false })).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await call('PATCH', `/agents/${rootId}`, dan.cookie, { active: false })).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await call('POST', `/agents/${rootId}/password`, dan.cookie, {})).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await call('PATCH', `/agents/${'0'.repeat(24)}`, admin, { active: false })).toMatchObject({ status: 404, json: { code: 'not_found' } });
    expect(await call('PATCH', '/agents/nope', admin, { active: false })).toMatchObject({ status: 400, json: { code: 'invalid_id' } });
    expect(await call('PATCH', `/agents/${dan.id}`, admin, { active: 'no' })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect(await call('PATCH', `/agents/${dan.id}`, null, { active: false })).toMatchObject({ status: 401 });
    expect((await me(dan.cookie)).status).toBe(200);
    expect((await me(admin)).status).toBe(200);
  });

  it('never leaves the team without an active admin, even when two admins deactivate each other at once', async () => {
    const a = await newAgent('admin-a@example.com', 'admin');
    const b = await newAgent('admin-b@example.com', 'admin');
    // Root steps aside first, so A and B are the only active admins.
    const rootId = (await server.parley.store.agents.findByEmail('root@example.com'))!.id;
    expect((await call('PATCH', `/agents/${rootId}`, a.cookie, { active: false })).status).toBe(200);
    const [ab, ba] = await Promise.all([
      call('PATCH', `/agents/${b.id}`, a.cookie, { active: false }),
      call('PATCH', `/agents/${a.id}`, b.cookie, { active: false }),
    ]);
    expect([ab.status, ba.status].filter((s) => s === 200)).toHaveLength(1);
    const loser = ab.status === 200 ? ba : ab;
    expect([401, 409]).toContain(loser.status);
    const active = (await server.parley.store.agents.list()).filter((x) => x.role === 'admin' && !x.deactivatedAt);
    expect(active).toHaveLength(1);
    // Root comes back (and keeps working for the rest of the file).
    const survivor = ab.status === 200 ? a : b;
    expect((await call('PATCH', `/agents/${rootId}`, survivor.cookie, { active: true })).status).toBe(200);
    admin = (await signIn(server, 'root@example.com')).cookie;
  });
});

describe('password reset by an admin', () => {
  it('generates a password shown once, kills every old session and socket, and the new password signs in', async () => {
    const eve = await newAgent('eve@example.com');
    const other = await signIn(server, 'eve@example.com');
    const socket = await connectAgent(server, other.cookie);
    const gone = disconnected(socket);

    const res = await call<PasswordResetResult>('POST', `/agents/${eve.id}/password`, admin, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json.agent).toMatchObject({ id: eve.id, deactivatedAt: null });
    expect(res.json.password).toMatch(/^[\w-]{20}$/);
    expect(res.json.agent).not.toHaveProperty('passwordHash');
    await gone;
    expect((await me(eve.cookie)).status).toBe(401);
    expect((await me(other.cookie)).status).toBe(401);
    expect((await signIn(server, 'eve@example.com', PASSWORD)).status).toBe(401);
    expect((await signIn(server, 'eve@example.com', res.json.password!)).status).toBe(200);
    // Shown once: nothing answers it again.
    const team = await call('GET', '/agents', admin);
    expect(JSON.stringify(team.json)).not.toContain(res.json.password);
    const [entry] = await audit('admin.password_reset', eve.id);
    expect(entry).toMatchObject({ actor: { email: 'root@example.com' }, metadata: { generated: true } });
    expect(JSON.stringify(entry)).not.toContain(res.json.password);
  });

  it("sets the admin's chosen password (at least 10 characters); an admin resets their own only by changing it", async () => {
    const fay = await newAgent('fay@example.com');
    expect(await call('POST', `/agents/${fay.id}/password`, admin, { password: 'short' })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect((await me(fay.cookie)).status).toBe(200);
    const res = await call<PasswordResetResult>('POST', `/agents/${fay.id}/password`, admin, { password: 'chosen by the admin' });
    expect(res.status).toBe(200);
    expect(res.json.password).toBeNull();
    expect((await me(fay.cookie)).status).toBe(401);
    expect((await signIn(server, 'fay@example.com', 'chosen by the admin')).status).toBe(200);
    expect((await audit('admin.password_reset', fay.id))[0].metadata).toEqual({ generated: false });
    const rootId = (await server.parley.store.agents.findByEmail('root@example.com'))!.id;
    expect(await call('POST', `/agents/${rootId}/password`, admin, {})).toMatchObject({ status: 403, json: { code: 'forbidden' } });
  });
});

describe('changing one\'s own password', () => {
  it('needs the current password and a long enough new one; other sessions and sockets die, this one continues with a fresh cookie', async () => {
    const gus = await newAgent('gus@example.com');
    const laptop = await signIn(server, 'gus@example.com');
    const socketHere = await connectAgent(server, gus.cookie);
    const socketThere = await connectAgent(server, laptop.cookie);
    const change = (cookie: string, body: unknown) => call<MeDto>('PUT', '/me/password', cookie, body);

    expect(await change(gus.cookie, { currentPassword: 'not my password', newPassword: 'a new long password' })).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await change(gus.cookie, { currentPassword: PASSWORD, newPassword: 'short' })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect(await change(gus.cookie, { newPassword: 'a new long password' })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect((await call('PUT', '/me/password', null, { currentPassword: PASSWORD, newPassword: 'a new long password' })).status).toBe(401);
    expect((await me(laptop.cookie)).status).toBe(200);

    const goneHere = disconnected(socketHere);
    const goneThere = disconnected(socketThere);
    const res = await change(gus.cookie, { currentPassword: PASSWORD, newPassword: 'a new long password' });
    expect(res.status).toBe(200);
    expect(res.json.agent.email).toBe('gus@example.com');
    const fresh = (res.headers.get('set-cookie') ?? '').split(';')[0];
    expect(fresh).toMatch(new RegExp(`^${SESSION_COOKIE}=s3\\.`));
    // Every socket closes (a copy of this very cookie must not keep one open); the page reconnects with the fresh cookie.
    await Promise.all([goneHere, goneThere]);
    expect((await me(fresh)).status).toBe(200);
    (await connectAgent(server, fresh)).close();
    expect((await me(gus.cookie)).status).toBe(401);
    expect((await me(laptop.cookie)).status).toBe(401);
    expect((await signIn(server, 'gus@example.com', PASSWORD)).status).toBe(401);
    expect((await signIn(server, 'gus@example.com', 'a new long password')).status).toBe(200);
    const [entry] = await audit('admin.password_changed', gus.id);
    expect(entry).toMatchObject({ actor: { type: 'admin', id: gus.id }, resource: { id: gus.id } });
  });
});

describe('session expiry', () => {
  it('disconnects a console socket when its session expires', async () => {
    const hal = await createAgent(server, 'hal@example.com');
    // A session that ends within 0.5-1.5 s (expiry has whole-second precision).
    const token = signSession(hal.id, hal.sessionEpoch, server.parley.config.keys.session, Date.now() - SESSION_TTL_SECONDS * 1000 + 1500);
    const expiresAt = Number(token.split('.')[3]) * 1000;
    const socket = await connectAgent(server, `${SESSION_COOKIE}=${token}`);
    expect(Date.now()).toBeLessThan(expiresAt);
    expect(await disconnected(socket)).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 50);
    expect((await connectAgent(server, `${SESSION_COOKIE}=${token}`).catch((e) => e)).data?.code).toBe('unauthorized');
  });
});

describe('adding agents', () => {
  it('lets admins add agents (recorded in the audit log), not agents', async () => {
    const res = await call<TeamMemberDto>('POST', '/agents', admin, { email: 'Ivy@Example.com', name: 'Ivy', role: 'agent', password: 'ivy initial password' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ email: 'ivy@example.com', role: 'agent', deactivatedAt: null });
    expect(await audit('admin.created', res.json.id)).toHaveLength(1);
    const ivy = await signIn(server, 'ivy@example.com', 'ivy initial password');
    expect((await call('POST', '/agents', ivy.cookie, { email: 'x@example.com', role: 'admin', password: 'whatever password' })).status).toBe(403);
  });
});
