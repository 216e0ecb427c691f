import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { userHash } from '../../server/realtime/identity.js';
import { ask, connectAgent, createAgent, signIn } from '../support/agent.js';
import { blockContact, http } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';

let server: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const open: Visitor[] = [];
beforeAll(async () => {
  receiver = await startReceiver();
  // The receiver runs on loopback: allowed here, refused by default.
  server = await startServer({ webhooksAllowPrivate: true });
  const hook = await http(server, 'POST', '/v2/webhooks', { body: { name: 'blocks', url: receiver.url, topics: ['contact.blocked'] } });
  expect(hook.status).toBeLessThan(300);
});
afterEach(() => open.splice(0).forEach((v) => v.close()));
afterAll(async () => {
  await server.close();
  await receiver.close();
});

let devices = 0;
/** One browser: its device id, and the visitor token it keeps across sign-in and sign-out. */
function browser() {
  const deviceId = `dev-${process.pid}-${++devices}`;
  let token: string | undefined;
  return {
    deviceId,
    async connect(identity: { userId?: string } = {}) {
      const auth = { deviceId, visitorToken: token, ...(identity.userId ? { userId: identity.userId, userHash: userHash(identity.userId, server.secret) } : {}) };
      const v = await connectVisitor(server.url, auth);
      open.push(v);
      if (v.session.visitorToken) token = v.session.visitorToken;
      return v;
    },
    forgetToken() {
      token = undefined;
    },
  };
}

const blocksOf = async (id: string) => (await http(server, 'GET', `/v2/contacts/${id}/blocks`)).json.data as { action: string; actorType?: string; reason: string | null }[];

describe('a block follows the person (attack 3)', () => {
  it('a blocked lead that signs in becomes a blocked customer: merged, recorded in block history, audit log and webhook', async () => {
    const b = browser();
    const lead = await b.connect();
    expect((await lead.send('abuse')).ok).toBe(true);
    expect((await blockContact(server, lead.session.contact.id, 'abusive')).status).toBe(200);
    lead.close();

    const customer = await b.connect({ userId: 'escapee-1' });
    expect(customer.session.contact).toMatchObject({ type: 'customer', blocked: true });
    expect(await customer.send('I am someone else now')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    // The lead's conversation moved to the customer: kept, not lost.
    const history = await customer.history(null);
    if (!history.ok) throw new Error('history failed');
    expect(history.messages.map((m) => m.body)).toEqual(['abuse']);

    const customerId = customer.session.contact.id;
    const events = await blocksOf(customerId);
    expect(events.at(-1)?.reason).toContain(lead.session.contact.id);
    const hook = await receiver.next((h) => h.body.data.item.id === customerId);
    expect(hook.body.data.item.block).toMatchObject({ action: 'block', actor: { type: 'system' }, automatic: { kind: 'merge', sourceContactId: lead.session.contact.id } });
    const audit = await http(server, 'GET', '/v2/audit-logs?action=security.user_banned&limit=100');
    const entry = audit.json.data.find((e: { resource: { id: string } }) => e.resource.id === customerId);
    expect(entry.metadata.carriedFrom).toEqual({ contactId: lead.session.contact.id, via: 'merge' });
  });

  it('a blocked customer who signs out stays blocked as the lead that browser becomes', async () => {
    const b = browser();
    const customer = await b.connect({ userId: 'escapee-2' });
    expect((await blockContact(server, customer.session.contact.id, 'abusive')).status).toBe(200);
    customer.close();

    const lead = await b.connect();
    expect(lead.session.contact).toMatchObject({ type: 'lead', blocked: true });
    expect(await lead.send('new me')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    expect((await blocksOf(lead.session.contact.id)).at(-1)?.reason).toContain(customer.session.contact.id);
  });

  it('a blocked customer who had been a lead on that browser is caught by its old token even on a new device id', async () => {
    const b = browser();
    const lead = await b.connect();
    const customer = await b.connect({ userId: 'escapee-3' });
    lead.close();
    expect((await blockContact(server, customer.session.contact.id)).status).toBe(200);
    customer.close();
    // Device id cleared, token kept (stale since the merge): still the same person.
    const again = await connectVisitor(server.url, { visitorToken: lead.session.visitorToken });
    open.push(again);
    expect(again.session.contact).toMatchObject({ type: 'lead', blocked: true });
  });

  it('a blocked lead that drops its token but keeps its device id is a blocked new lead (scope contact)', async () => {
    expect(server.parley.config.blockPolicy.scope).toBe('contact');
    const b = browser();
    const lead = await b.connect();
    expect((await blockContact(server, lead.session.contact.id)).status).toBe(200);
    lead.close();
    b.forgetToken();
    const fresh = await b.connect();
    expect(fresh.session.contact.id).not.toBe(lead.session.contact.id);
    expect(fresh.session.contact.blocked).toBe(true);
  });

  it('carries a temporary block with its end, not forever', async () => {
    const b = browser();
    const lead = await b.connect();
    const until = new Date(Date.now() + 3600_000).toISOString();
    expect((await http(server, 'POST', `/v2/contacts/${lead.session.contact.id}/block`, { body: { expiresAt: until } })).status).toBe(200);
    lead.close();
    b.forgetToken();
    const fresh = await b.connect();
    const contact = (await http(server, 'GET', `/v2/contacts/${fresh.session.contact.id}`)).json;
    expect(contact).toMatchObject({ blocked: true });
    expect(Date.parse(contact.blockedUntil)).toBe(Date.parse(until));
  });

  it("a different verified customer on that browser is not blocked by someone else's block, and agents see the shared device", async () => {
    const b = browser();
    const blocked = await b.connect({ userId: 'blocked-owner' });
    expect((await blockContact(server, blocked.session.contact.id)).status).toBe(200);
    blocked.close();
    // Signed out: the browser is an (automatically) blocked lead now.
    const lead = await b.connect();
    expect(lead.session.contact.blocked).toBe(true);
    lead.close();

    const other = await b.connect({ userId: 'innocent-colleague' });
    expect(other.session.contact).toMatchObject({ type: 'customer', blocked: false });
    expect((await other.send('hello, I am a different person')).ok).toBe(true);

    await createAgent(server, 'admin-evasion@example.com', 'admin');
    const agent = await connectAgent(server, (await signIn(server, 'admin-evasion@example.com')).cookie);
    const detail = await ask(agent, 'contact:get', { contactId: other.session.contact.id });
    if (!detail.ok) throw new Error('contact:get failed');
    expect(detail.sharedDevice?.map((c) => c.id)).toContain(blocked.session.contact.id);
    expect(detail.sharedDevice?.find((c) => c.id === blocked.session.contact.id)?.blocked).toBe(true);
    agent.close();
  });

  it('blocking a merged lead blocks the customer it became', async () => {
    const b = browser();
    const lead = await b.connect();
    const customer = await b.connect({ userId: 'merged-later' });
    expect((await blockContact(server, lead.session.contact.id, 'late report')).status).toBe(200);
    const after = (await http(server, 'GET', `/v2/contacts/${customer.session.contact.id}`)).json;
    expect(after.blocked).toBe(true);
    expect(await customer.send('still here?')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
  });
});
