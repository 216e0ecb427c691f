import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { listHeld, saveRule } from './support.js';

let server: TestServer;
let admin: string;
let agent: string;
beforeAll(async () => {
  server = await startServer();
  await createAgent(server, 'prot-admin@example.com', 'admin');
  await createAgent(server, 'prot-agent@example.com', 'agent');
  admin = (await signIn(server, 'prot-admin@example.com')).cookie;
  agent = (await signIn(server, 'prot-agent@example.com')).cookie;
});
afterAll(() => server.close());

const call = async (cookie: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/console/api/protection${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
};

describe('protection through the console session', () => {
  it('lets an admin manage rules and review held messages, recorded as that admin', async () => {
    const created = await call(admin, 'POST', '/rules', { name: 'words', mode: 'enforce', conditions: [{ type: 'words', words: ['casino'] }], action: { type: 'hold' } });
    expect(created).toMatchObject({ status: 201, json: { object: 'protection_rule', name: 'words', mode: 'enforce' } });
    expect((await call(admin, 'POST', '/rules', { name: 'bad', conditions: [{ type: 'pattern', pattern: '(a)\\1' }], action: { type: 'hold' } })).json).toMatchObject({ code: 'invalid_pattern' });
    const v = await connectVisitor(server.url);
    await v.send('casino');
    const [held] = (await call(admin, 'GET', '/held')).json.data;
    expect(held).toMatchObject({ object: 'held_message', bodyMarkdown: 'casino', rule: { id: created.json.id } });
    expect(await call(admin, 'DELETE', `/held/${held.id}`)).toMatchObject({ status: 200, json: { deleted: true } });
    expect(await listHeld(server)).toEqual([]);
    expect((await call(admin, 'PATCH', `/rules/${created.json.id}`, { mode: 'off' })).json).toMatchObject({ mode: 'off' });
    const audit = (await server.parley.store.audit.list({ limit: 10, domain: 'security' })).items;
    expect(audit.find((e) => e.action === 'protection.message_discarded')?.actor).toMatchObject({ type: 'admin', email: 'prot-admin@example.com' });
    v.close();
  });

  it('refuses agents whose role may not, anyone signed out, and cross-origin writes', async () => {
    const rule = await saveRule(server, { name: 'kept', conditions: [{ type: 'length', min: 10_000 }], action: { type: 'hold' } });
    // Agents (not in PARLEY_BLOCK_ROLES by default) neither edit rules nor review held messages.
    expect((await call(agent, 'GET', '/rules')).json).toMatchObject({ code: 'forbidden' });
    expect((await call(agent, 'PATCH', `/rules/${rule.id}`, { mode: 'off' })).json).toMatchObject({ code: 'forbidden' });
    expect((await call(agent, 'POST', '/recommended', { mode: 'enforce' })).json).toMatchObject({ code: 'forbidden' });
    expect((await call(agent, 'GET', '/held')).json).toMatchObject({ code: 'forbidden' });
    expect((await call(null, 'GET', '/rules')).json).toMatchObject({ code: 'unauthorized' });
    expect((await call(admin, 'DELETE', `/rules/${rule.id}`, undefined, { origin: 'https://evil.example' })).json).toMatchObject({ code: 'forbidden' });
    expect((await call(admin, 'GET', '/rules')).json.data.map((r: { id: string; mode: string }) => [r.id, r.mode])).toContainEqual([rule.id, 'enforce']);
    expect((await call(admin, 'POST', '/rules', { name: 'x', conditions: [], action: { type: 'hold' } })).json).toMatchObject({ code: 'invalid_payload' });
  });
});
