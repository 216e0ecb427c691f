import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHash } from '../../server/realtime/identity.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectError, connectVisitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const jwt = (claims: Record<string, unknown>, secret = server.jwtSecret, exp = '1h') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret));

describe('who a messenger connection is', () => {
  it('creates a lead with a signed visitor token, and the token brings the same lead back', async () => {
    const first = await connectVisitor(server.url);
    expect(first.session.contact).toMatchObject({ type: 'lead', blocked: false });
    expect(first.session.visitorToken).toMatch(/^v2\./);
    first.close();
    const again = await connectVisitor(server.url, { visitorToken: first.session.visitorToken });
    expect(again.session.contact.id).toBe(first.session.contact.id);
    again.close();
  });

  it('refuses a tampered visitor token', async () => {
    const v = await connectVisitor(server.url);
    v.close();
    const token = v.session.visitorToken!;
    const otherId = v.session.contact.id.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const forged = token.replace(v.session.contact.id, otherId);
    const err = await connectError(server.url, { visitorToken: forged });
    expect(err.data).toMatchObject({ code: 'identity_invalid' });
  });

  it('identifies a customer by userId + userHash, and refuses a bad hash or a bare userId', async () => {
    const a = await connectVisitor(server.url, { userId: 'cust-1', userHash: userHash('cust-1', server.secret), email: 'c1@example.com', name: 'Cee' });
    expect(a.session.contact).toMatchObject({ type: 'customer', email: 'c1@example.com', name: 'Cee' });
    const b = await connectVisitor(server.url, { userId: 'cust-1', userHash: userHash('cust-1', server.secret) });
    expect(b.session.contact.id).toBe(a.session.contact.id);
    a.close();
    b.close();
    expect((await connectError(server.url, { userId: 'cust-1', userHash: userHash('cust-2', server.secret) })).data).toMatchObject({ code: 'identity_invalid' });
    expect((await connectError(server.url, { userId: 'cust-1' })).data).toMatchObject({ code: 'identity_invalid' });
  });

  it('identifies a customer by HS256 JWT, refusing expired, tampered or wrongly signed tokens', async () => {
    const ok = await connectVisitor(server.url, { jwt: await jwt({ userId: 'jwt-user', email: 'j@example.com', name: 'Jay' }) });
    expect(ok.session.contact).toMatchObject({ type: 'customer', email: 'j@example.com', name: 'Jay' });
    ok.close();
    const expired = await jwt({ userId: 'jwt-user' }, server.jwtSecret, '-1m');
    expect((await connectError(server.url, { jwt: expired })).data).toMatchObject({ code: 'identity_invalid' });
    expect((await connectError(server.url, { jwt: await jwt({ userId: 'jwt-user' }, 'other-secret') })).data).toMatchObject({ code: 'identity_invalid' });
    const good = await jwt({ userId: 'jwt-user' });
    const [h, , s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ userId: 'admin' })).toString('base64url')}.${s}`;
    expect((await connectError(server.url, { jwt: tampered })).data).toMatchObject({ code: 'identity_invalid' });
  });

  it('refuses a malformed auth payload with a clear error', async () => {
    expect((await connectError(server.url, { email: 'not-an-email' })).data).toMatchObject({ code: 'invalid_payload' });
    expect((await connectError(server.url, { userId: 42 as unknown as string })).data).toMatchObject({ code: 'invalid_payload' });
  });
});
