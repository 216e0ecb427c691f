// The team's saved replies over the console API: any agent reads and adds; only the author or
// an admin changes or deletes; sizes, the library's size and the write rate are limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SAVED_REPLIES } from '../../protocol/agents.js';
import { MAX_BODY_LENGTH } from '../../protocol/limits.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  server = await startServer({ rateLimits: { ...NO_RATE_LIMITS, consoleWritesPerAgent: { points: 6, seconds: 600 } } });
  for (const [name, role] of [['ada', 'admin'], ['bob', 'agent'], ['cy', 'agent'], ['dee', 'agent']] as const) {
    await createAgent(server, `${name}@example.com`, role, name);
    cookies[name] = (await signIn(server, `${name}@example.com`)).cookie;
  }
});
afterAll(() => server.close());

async function call(who: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/console/api/saved-replies${path}`, {
    method,
    headers: { ...(who ? { cookie: cookies[who] } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe('saved replies', () => {
  it('any agent adds and reads; the author or an admin changes and deletes, nobody else', async () => {
    expect((await call(null, 'GET', '')).status).toBe(401);
    const made = await call('bob', 'POST', '', { title: ' Shipping times ', body: 'Orders ship within **2 days**.' });
    expect(made).toMatchObject({ status: 201, json: { title: 'Shipping times', body: 'Orders ship within **2 days**.' } });
    const id = made.json.id;
    expect((await call('cy', 'GET', '')).json.data.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(await call('cy', 'PATCH', `/${id}`, { title: 'Mine now' })).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await call('cy', 'DELETE', `/${id}`)).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await call('bob', 'PATCH', `/${id}`, { body: 'Orders ship within 1 day.' })).toMatchObject({ status: 200, json: { body: 'Orders ship within 1 day.' } });
    expect(await call('ada', 'PATCH', `/${id}`, { title: 'Shipping' })).toMatchObject({ status: 200, json: { title: 'Shipping' } });
    expect(await call('ada', 'DELETE', `/${id}`)).toMatchObject({ status: 200, json: { deleted: true } });
    expect(await call('ada', 'DELETE', `/${id}`)).toMatchObject({ status: 404, json: { code: 'saved_reply_not_found' } });
    expect(await call('ada', 'PATCH', '/nope', { title: 'x' })).toMatchObject({ status: 400, json: { code: 'invalid_id' } });
  });

  it('refuses empty or oversized titles and bodies with catalog errors', async () => {
    for (const body of [{ title: '', body: 'x' }, { title: 'x'.repeat(81), body: 'x' }, { title: 'x', body: '   ' }, { title: 'x', body: 'y'.repeat(MAX_BODY_LENGTH + 1) }, { title: 'x' }, {}]) {
      expect(await call('dee', 'POST', '', body), JSON.stringify(body).slice(0, 60)).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    }
    expect(await call('dee', 'PATCH', '/ffffffffffffffffffffffff', {})).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
  });

  it('limits the writes per agent and the size of the library', async () => {
    // dee's refused requests failed validation before spending any of the six writes in this server's budget; the seventh is refused.
    for (let i = 0; i < 6; i++) expect((await call('dee', 'POST', '', { title: `Reply ${i}`, body: 'Hello' })).status).toBe(201);
    expect(await call('dee', 'POST', '', { title: 'One more', body: 'Hello' })).toMatchObject({ status: 429, json: { code: 'rate_limited' } });
    const store = server.parley.store.savedReplies;
    for (let n = await store.count(); n < MAX_SAVED_REPLIES; n++) await store.create({ title: `Filler ${n}`, body: 'x', createdBy: null });
    expect(await call('ada', 'POST', '', { title: 'Too many', body: 'Hello' })).toMatchObject({ status: 409, json: { code: 'conflict' } });
  });
});
