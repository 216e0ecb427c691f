import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signVisitorToken, userHash } from '../../server/realtime/identity.js';
import { http } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectError, connectVisitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const upsert = (body: Record<string, unknown>) => http(server, 'POST', '/v2/contacts', { body });

describe('email claim takeover (attack 2)', () => {
  it("an email typed into the messenger never lets the backend's upsert hand the victim's account to the attacker", async () => {
    // The attacker opens the widget claiming the victim's email.
    const attacker = await connectVisitor(server.url, { email: 'victim@corp.example' });
    const attackerToken = attacker.session.visitorToken!;
    expect((await attacker.send('planted by the attacker')).ok).toBe(true);
    attacker.close();

    // The business's backend upserts its real user by userId and email.
    const up = await upsert({ userId: 'victim-1', email: 'victim@corp.example', name: 'Victim' });
    expect(up.status).toBeLessThan(300);
    expect(up.json.id).not.toBe(attacker.session.contact.id);
    expect(up.json).toMatchObject({ type: 'customer', userId: 'victim-1' });

    // The victim chats with a valid userHash.
    const victim = await connectVisitor(server.url, { userId: 'victim-1', userHash: userHash('victim-1', server.secret) });
    expect(victim.session.contact.id).toBe(up.json.id);
    expect((await victim.send('my private question')).ok).toBe(true);
    const victimHistory = await victim.history(null);
    if (!victimHistory.ok) throw new Error('history failed');
    expect(victimHistory.messages.map((m) => m.body)).toEqual(['my private question']);
    victim.close();

    // The attacker's old token opens the attacker's own lead, never the victim's history.
    const back = await connectVisitor(server.url, { visitorToken: attackerToken });
    expect(back.session.contact.id).toBe(attacker.session.contact.id);
    expect(back.session.contact.type).toBe('lead');
    const history = await back.history(null);
    if (!history.ok) throw new Error('history failed');
    expect(history.messages.map((m) => m.body)).toEqual(['planted by the attacker']);
    back.close();
  });

  it('an upsert by email alone does not adopt a lead whose email a visitor typed, but does match one the business set', async () => {
    const typed = await connectVisitor(server.url, { email: 'typed@corp.example' });
    typed.close();
    const byTyped = await upsert({ email: 'typed@corp.example', name: 'From backend' });
    expect(byTyped.json.id).not.toBe(typed.session.contact.id);
    const again = await upsert({ email: 'typed@corp.example', name: 'Again' });
    expect(again.json.id).toBe(byTyped.json.id);
  });

  it('an email sent next to a userHash is a claim, not proof: it never routes an upsert to that customer', async () => {
    const mallory = await connectVisitor(server.url, { userId: 'mallory', userHash: userHash('mallory', server.secret), email: 'ceo@corp.example' });
    mallory.close();
    const up = await upsert({ email: 'ceo@corp.example', name: 'CEO' });
    expect(up.json.id).not.toBe(mallory.session.contact.id);
  });
});

describe('visitor tokens: leads only, expiring, and dead after merge or deletion', () => {
  const key = () => server.parley.config.keys.visitorToken;
  const ttl = () => server.parley.config.visitorTokenTtlSeconds;

  it('slides: each connect issues a token with a later expiry; an expired one starts a new lead', async () => {
    const lead = await connectVisitor(server.url);
    lead.close();
    const exp = (t: string) => Number(t.split('.')[3]);
    const expired = signVisitorToken(lead.session.contact.id, 0, key(), ttl(), Date.now() - ttl() * 1000 - 5000);
    const fresh = await connectVisitor(server.url, { visitorToken: expired });
    expect(fresh.session.contact.id).not.toBe(lead.session.contact.id);
    fresh.close();
    const nearlyExpired = signVisitorToken(lead.session.contact.id, 0, key(), 60);
    const resumed = await connectVisitor(server.url, { visitorToken: nearlyExpired });
    expect(resumed.session.contact.id).toBe(lead.session.contact.id);
    expect(exp(resumed.session.visitorToken!)).toBeGreaterThan(exp(nearlyExpired) + 3600);
    resumed.close();
  });

  it('dies when the lead is merged into a customer: the old token opens a new, empty lead', async () => {
    const lead = await connectVisitor(server.url);
    expect((await lead.send('before signing in')).ok).toBe(true);
    lead.close();
    const customer = await connectVisitor(server.url, { visitorToken: lead.session.visitorToken, userId: 'merged-1', userHash: userHash('merged-1', server.secret) });
    const mine = await customer.history(null);
    if (!mine.ok) throw new Error('history failed');
    expect(mine.messages.map((m) => m.body)).toEqual(['before signing in']);
    customer.close();

    const stale = await connectVisitor(server.url, { visitorToken: lead.session.visitorToken });
    expect(stale.session.contact.id).not.toBe(lead.session.contact.id);
    expect(stale.session.contact.id).not.toBe(customer.session.contact.id);
    const seen = await stale.history(null);
    if (!seen.ok) throw new Error('history failed');
    expect(seen.messages).toEqual([]);
    stale.close();

    // The merged lead leaves lists and names its customer.
    const list = await http(server, 'GET', '/v2/contacts?limit=100');
    expect(list.json.data.map((c: { id: string }) => c.id)).not.toContain(lead.session.contact.id);
    const merged = await http(server, 'GET', `/v2/contacts/${lead.session.contact.id}`);
    expect(merged.json.mergedInto).toBe(customer.session.contact.id);
  });

  it('dies when the lead is deleted', async () => {
    const lead = await connectVisitor(server.url);
    lead.close();
    expect((await http(server, 'DELETE', `/v2/contacts/${lead.session.contact.id}`)).status).toBe(200);
    const after = await connectVisitor(server.url, { visitorToken: lead.session.visitorToken });
    expect(after.session.contact.id).not.toBe(lead.session.contact.id);
    after.close();
  });

  it('refuses a token of the old format cleanly (the widget then starts afresh as a lead)', async () => {
    const err = await connectError(server.url, { visitorToken: `v1.${'a'.repeat(24)}.${'b'.repeat(43)}` });
    expect(err.data).toMatchObject({ code: 'identity_invalid' });
  });
});
