// Inviting agents by email, over a real server and a real in-process SMTP server: the admin
// invites, the email carries a single-use link to the console, the invitee sets name and
// password there and signs in. Used, expired, withdrawn and replaced links get their own
// catalog error; the link endpoints are rate limited like sign-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailSettingsFromEnv } from '../../server/config.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import type { KyselyStore } from '../../server/store/kysely-store.js';
import { createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp } from '../support/smtp.js';

describe('agent invitations by email', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer({ email: emailSettingsFromEnv({ SMTP_URL: smtp.url, PARLEY_EMAIL_FROM: 'Northwind <help@northwind.test>' }, ':memory:') });
    await createAgent(server, 'lea@example.com', 'admin', 'Lea');
    await createAgent(server, 'sam@example.com', 'agent', 'Sam');
    admin = (await signIn(server, 'lea@example.com')).cookie;
  });

  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const call = (method: string, path: string, body?: unknown, cookie = admin) =>
    fetch(`${server.url}/console/api${path}`, {
      method,
      headers: { origin: server.url, ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** The server's database, to read what is stored and to move an expiry into the past. */
  const db = () => (server.parley.store as KyselyStore).db;
  const codeOf = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { code?: string }).code });

  /** Invites (or resends) and reads the link from the email that arrives. */
  async function linkFrom(res: Promise<Response>, to: string) {
    const answer = await res;
    expect(answer.status).toBeLessThan(300);
    const mail = await smtp.next();
    expect(mail.to).toEqual([to]);
    const link = /here: (\S+)/.exec(mail.text)![1];
    return { agent: await answer.json(), mail, link, token: link.split('#')[1] };
  }

  it('emails a link; the invitee sets name and password once and signs in', async () => {
    const { agent, mail, link, token } = await linkFrom(call('POST', '/invites', { email: 'Nora@Example.com', role: 'agent' }), 'nora@example.com');
    expect(agent).toMatchObject({ email: 'nora@example.com', role: 'agent', invite: { revoked: false, expiresAt: expect.any(String) } });
    expect(Date.parse(agent.invite.expiresAt) - Date.now()).toBeGreaterThan(71 * 3600_000);
    expect(mail.header('Subject')).toBe('Lea invited you to the support console');
    expect(mail.header('From')).toBe('Northwind <help@northwind.test>');
    expect(link).toMatch(new RegExp(`^${server.url}/console/invite#i1\\.[A-Za-z0-9_-]{43}$`));
    // The link opens the console page; only a hash of the token is stored.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const stored = await db().selectFrom('agent_invites').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token.slice(3));
    // A pending account cannot sign in, whatever it tries.
    expect((await call('POST', '/session', { email: 'nora@example.com', password: 'correct horse battery' }, '')).status).toBe(401);

    expect(await (await call('POST', '/invite/check', { token }, '')).json()).toMatchObject({ email: 'nora@example.com', name: 'nora' });
    const accepted = await call('POST', '/invite/accept', { token, name: 'Nora Quinn', password: 'a new long password' }, '');
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('set-cookie')).toMatch(/parley_session=/);
    expect((await accepted.json()).agent).toMatchObject({ name: 'Nora Quinn' });
    expect(await codeOf(await call('POST', '/invite/accept', { token, name: 'Mallory', password: 'another long password' }, ''))).toEqual({ status: 409, code: 'invite_used' });
    expect(await codeOf(await call('POST', '/invite/check', { token }, ''))).toEqual({ status: 409, code: 'invite_used' });

    const session = await signIn(server, 'nora@example.com', 'a new long password');
    expect(session.cookie).toMatch(/parley_session=/);
    const team = (await (await call('GET', '/agents')).json()).data as { email: string; name: string; invite: unknown }[];
    expect(team.find((a) => a.email === 'nora@example.com')).toMatchObject({ name: 'Nora Quinn', invite: null });
  });

  it('refuses an expired link, a withdrawn one and one replaced by a resend; the new one works', async () => {
    const { agent, token } = await linkFrom(call('POST', '/invites', { email: 'otto@example.com', name: 'Otto', role: 'admin' }), 'otto@example.com');
    await db().updateTable('agent_invites').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('agent_id', '=', agent.id).execute();
    expect(await codeOf(await call('POST', '/invite/accept', { token, name: 'Otto', password: 'a new long password' }, ''))).toEqual({ status: 400, code: 'invite_expired' });

    const resent = await linkFrom(call('POST', `/agents/${agent.id}/invite`), 'otto@example.com');
    expect(resent.token).not.toBe(token);
    expect(await codeOf(await call('POST', '/invite/check', { token }, ''))).toEqual({ status: 400, code: 'invite_invalid' });
    const revoked = await call('DELETE', `/agents/${agent.id}/invite`);
    expect((await revoked.json()).invite).toMatchObject({ revoked: true });
    expect(await codeOf(await call('POST', '/invite/accept', { token: resent.token, name: 'Otto', password: 'a new long password' }, ''))).toEqual({ status: 400, code: 'invite_revoked' });
    expect(await codeOf(await call('DELETE', `/agents/${agent.id}/invite`))).toEqual({ status: 409, code: 'conflict' });

    const last = await linkFrom(call('POST', `/agents/${agent.id}/invite`), 'otto@example.com');
    expect((await call('POST', '/invite/accept', { token: last.token, name: 'Otto', password: 'short' }, '')).status).toBe(400);
    expect((await call('POST', '/invite/accept', { token: last.token, name: 'Otto', password: 'a new long password' }, '')).status).toBe(200);
    // Accepted: nothing left to resend or withdraw.
    expect(await codeOf(await call('POST', `/agents/${agent.id}/invite`))).toEqual({ status: 409, code: 'conflict' });
  });

  it('lets only admins invite, and refuses forged and oversized tokens', async () => {
    const sam = (await signIn(server, 'sam@example.com')).cookie;
    expect((await call('POST', '/invites', { email: 'x@example.com', role: 'agent' }, sam)).status).toBe(403);
    expect(await codeOf(await call('POST', '/invites', { email: 'sam@example.com', role: 'agent' }))).toEqual({ status: 409, code: 'conflict' });
    expect(await codeOf(await call('POST', '/invite/check', { token: `i1.${'A'.repeat(43)}` }, ''))).toEqual({ status: 400, code: 'invite_invalid' });
    expect(await codeOf(await call('POST', '/invite/check', { token: 'x'.repeat(5000) }, ''))).toEqual({ status: 400, code: 'invalid_payload' });
  });
});

describe('agent invitation links: rate limit', () => {
  let server: TestServer;
  afterAll(() => server?.close());

  it('answers 429 with Retry-After once an address has spent its guesses', async () => {
    server = await startServer({ rateLimits: { ...NO_RATE_LIMITS, signInFailuresPerIp: { points: 3, seconds: 600 } } });
    const guess = () => fetch(`${server.url}/console/api/invite/accept`, {
      method: 'POST', headers: { origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ token: `i1.${'B'.repeat(43)}`, name: 'Eve', password: 'a new long password' }),
    });
    for (let i = 0; i < 3; i++) expect((await guess()).status).toBe(400);
    const refused = await guess();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
