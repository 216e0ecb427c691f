import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROTECTION_RULES } from '../../protocol/schemas/protection.js';
import { http } from '../support/api.js';
import { nextEvent } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { listHeld, saveRule, watchingAgent } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const post = (body: unknown) => http(server, 'POST', '/v2/protection/rules', { body });
const hold = { type: 'hold' };

describe('saving rules', () => {
  it('refuses patterns the linear-time matcher cannot run, and says why', async () => {
    for (const pattern of ['(a)\\1', '(?=admin)a', '(?<!x)y', 'a{1001}', '((a{20}){20}){20}', '(unclosed']) {
      const res = await post({ name: 'bad', conditions: [{ type: 'pattern', pattern }], action: hold });
      expect(res.status, pattern).toBe(400);
      expect(res.json, pattern).toMatchObject({ object: 'error', code: 'invalid_pattern' });
    }
    // A pattern that backtracks catastrophically elsewhere is linear here: accepted, and fast on hostile input.
    const rule = await saveRule(server, { name: 'nested', conditions: [{ type: 'pattern', pattern: '^(a+)+$' }], action: hold });
    const v = await connectVisitor(server.url);
    expect(await v.send(`${'a'.repeat(5000)}!`)).toMatchObject({ ok: true });
    expect(await listHeld(server)).toEqual([]);
    await http(server, 'DELETE', `/v2/protection/rules/${rule.id}`);
    v.close();
    expect((await http(server, 'GET', '/v2/protection/rules')).json.data).toEqual([]);
  });

  it('bounds every part of a rule and refuses what cannot work', async () => {
    const bad = [
      { name: 'x', conditions: [{ type: 'pattern', pattern: 'a'.repeat(201) }], action: hold },
      { name: 'x', conditions: [{ type: 'words', words: Array(101).fill('w') }], action: hold },
      { name: 'x', conditions: Array(11).fill({ type: 'contactType', contactType: 'lead' }), action: hold },
      { name: 'x', conditions: [], action: hold },
      { name: 'x', conditions: [{ type: 'repeated', count: 1, windowSeconds: 60 }], action: hold },
      { name: 'x', conditions: [{ type: 'repeated', count: 5, windowSeconds: 90_000 }], action: hold },
      { name: 'x', conditions: [{ type: 'length' }], action: hold },
      { name: 'x', conditions: [{ type: 'eval', code: 'process.exit()' }], action: hold },
      { name: 'x', conditions: [{ type: 'contactType', contactType: 'lead', extra: 1 }], action: hold },
      { name: 'x', conditions: [{ type: 'contactType', contactType: 'lead' }], action: { type: 'temporary_block' } },
      { name: 'x', conditions: [{ type: 'contactType', contactType: 'lead' }], action: hold, mode: 'sometimes' },
      // Rate-limit hits are counted where there is no message: no message conditions, nothing to hold.
      { name: 'x', conditions: [{ type: 'rateLimitHits', count: 3, windowSeconds: 60 }, { type: 'links', min: 1 }], action: { type: 'block' } },
      { name: 'x', conditions: [{ type: 'rateLimitHits', count: 3, windowSeconds: 60 }], action: hold },
    ];
    for (const body of bad) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.json.code).toBe('invalid_payload');
    }
    expect((await http(server, 'GET', '/v2/protection/rules')).json.data).toEqual([]);
    expect((await http(server, 'GET', `/v2/protection/rules/${'0'.repeat(24)}`)).json.code).toBe('protection_rule_not_found');
    expect((await http(server, 'PATCH', `/v2/protection/rules/${'0'.repeat(24)}`, { body: { mode: 'off' } })).json.code).toBe('protection_rule_not_found');
    expect((await http(server, 'GET', '/v2/protection/rules/nope')).json.code).toBe('invalid_id');
    expect((await http(server, 'GET', '/v2/protection/rules', { auth: false })).status).toBe(401);
  });

  it('keeps at most the maximum number of rules', async () => {
    const made = [];
    for (let i = 0; i < MAX_PROTECTION_RULES; i++) made.push(await saveRule(server, { name: `r${i}`, mode: 'off', conditions: [{ type: 'length', min: 9000 }], action: hold }));
    const over = await post({ name: 'one more', conditions: [{ type: 'length', min: 9000 }], action: hold });
    expect(over.status).toBe(400);
    expect(over.json.message).toContain(String(MAX_PROTECTION_RULES));
    for (const r of made) expect((await http(server, 'DELETE', `/v2/protection/rules/${r.id}`)).status).toBe(200);
  });
});

describe('dry run', () => {
  it('reports what a rule would have done without doing it, then acts once switched on', async () => {
    const rule = await saveRule(server, { name: 'shouting', mode: 'dry_run', conditions: [{ type: 'pattern', pattern: '^[A-Z !]{10,}$', caseInsensitive: false }], action: { type: 'block' } });
    const agent = await watchingAgent(server, 'dry-admin@example.com');
    const v = await connectVisitor(server.url);
    const pushed = nextEvent(agent.socket, 'message:new', (p) => p.message.body === 'ANSWER ME NOW!');
    expect(await v.send('ANSWER ME NOW!')).toMatchObject({ ok: true });
    await pushed;
    expect(await v.send('quietly now')).toMatchObject({ ok: true });
    const report = await http(server, 'GET', `/v2/protection/events?mode=dry_run&ruleId=${rule.id}`);
    expect(report.json.data).toMatchObject([{ object: 'protection_event', ruleId: rule.id, ruleName: 'shouting', mode: 'dry_run', action: 'block', trigger: 'message', contactId: v.session.contact.id, excerpt: 'ANSWER ME NOW!' }]);
    expect((await http(server, 'GET', `/v2/contacts/${v.session.contact.id}`)).json.blocked).toBe(false);
    // Switched on, the same rule acts (and logs it as enforced).
    const on = await http(server, 'PATCH', `/v2/protection/rules/${rule.id}`, { body: { mode: 'enforce' } });
    expect(on.json).toMatchObject({ mode: 'enforce' });
    expect(await v.send('STOP IGNORING ME!')).toMatchObject({ ok: false, error: { code: 'contact_blocked' } });
    const enforced = await http(server, 'GET', `/v2/protection/events?mode=enforce&ruleId=${rule.id}`);
    expect(enforced.json.data).toHaveLength(1);
    await http(server, 'DELETE', `/v2/protection/rules/${rule.id}`);
    v.close();
    agent.socket.close();
  });
});
