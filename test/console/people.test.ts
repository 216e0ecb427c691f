// People in the console API: roles (admins only, never one's own, never the last admin), own
// display name and picture (cropped and resized server-side, size- and rate-limited), and what
// visitors see of an agent (name and picture, never the id).
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVATAR_PIXELS, MAX_AVATAR_BYTES } from '../../protocol/agents.js';
import { NO_RATE_LIMITS } from '../../server/guard/rate-limits.js';
import { ask, connectAgent, createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startServer({ rateLimits: { ...NO_RATE_LIMITS, consoleWritesPerAgent: { points: 3, seconds: 600 } } });
  for (const [name, role] of [['ada', 'admin'], ['bob', 'agent'], ['cy', 'agent'], ['dee', 'agent']] as const) {
    ids[name] = (await createAgent(server, `${name}@example.com`, role, name)).id;
    cookies[name] = (await signIn(server, `${name}@example.com`)).cookie;
  }
});
afterAll(() => server.close());

async function call(who: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/console/api${path}`, {
    method,
    headers: { cookie: cookies[who], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, json: type.includes('json') ? await res.json() : null, type, bytes: type.includes('json') ? null : Buffer.from(await res.arrayBuffer()) };
}

const png = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#c92a2a' } }).png().toBuffer();

describe('roles', () => {
  it('lets only admins change roles, never their own, never leaving no admin; the changed agent reconnects', async () => {
    expect(await call('bob', 'PATCH', `/agents/${ids.cy}`, { role: 'admin' })).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await call('ada', 'PATCH', `/agents/${ids.ada}`, { role: 'agent' })).toMatchObject({ status: 403, json: { code: 'forbidden' } });
    expect(await call('ada', 'PATCH', `/agents/${ids.bob}`, { role: 'boss' })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect(await call('ada', 'PATCH', `/agents/${ids.bob}`, {})).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    const bobSocket = await connectAgent(server, cookies.bob);
    const dropped = new Promise((resolve) => bobSocket.once('disconnect', resolve));
    expect(await call('ada', 'PATCH', `/agents/${ids.bob}`, { role: 'admin' })).toMatchObject({ status: 200, json: { id: ids.bob, role: 'admin' } });
    await dropped;
    // Bob, now an admin, may demote Ada; then Ada cannot demote Bob, the last admin.
    expect(await call('bob', 'PATCH', `/agents/${ids.ada}`, { role: 'agent' })).toMatchObject({ status: 200, json: { role: 'agent' } });
    expect(await call('bob', 'PATCH', `/agents/${ids.bob}`, { role: 'agent' })).toMatchObject({ status: 403 });
    expect(await call('bob', 'PATCH', `/agents/${ids.ada}`, { role: 'admin' })).toMatchObject({ status: 200, json: { role: 'admin' } });
  });
});

describe('own profile', () => {
  it('changes the display name and colour; bad input gets catalog errors', async () => {
    expect(await call('cy', 'PATCH', '/me', { name: '  Cy Young ', avatarColor: 5 })).toMatchObject({ status: 200, json: { agent: { name: 'Cy Young', avatarColor: 5 } } });
    expect(await call('cy', 'PATCH', '/me', { name: '   ' })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect(await call('cy', 'PATCH', '/me', { avatarColor: 8 })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect(await call('cy', 'PATCH', '/me', { name: 'x'.repeat(81) })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    expect((await fetch(`${server.url}/console/api/me`, { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });

  it('crops and resizes an uploaded picture to a square WebP served under an opaque key', async () => {
    const up = await call('bob', 'PUT', '/me/avatar', { image: `data:image/png;base64,${(await png(600, 300)).toString('base64')}` });
    expect(up.status).toBe(200);
    const url: string = up.json.agent.avatarUrl;
    expect(url).toMatch(/^\/console\/api\/avatars\/[0-9a-f]{24}$/);
    expect(url).not.toContain(ids.bob);
    const img = await fetch(`${server.url}${url}`);
    expect(img.headers.get('content-type')).toBe('image/webp');
    expect(img.headers.get('cache-control')).toContain('immutable');
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', AVATAR_PIXELS, AVATAR_PIXELS]);
    // A new picture gets a new address; the old one is gone; removal brings the initials back.
    const again = await call('bob', 'PUT', '/me/avatar', { image: (await png(64, 64)).toString('base64') });
    expect(again.json.agent.avatarUrl).not.toBe(url);
    expect((await fetch(`${server.url}${url}`)).status).toBe(404);
    expect(await call('bob', 'DELETE', '/me/avatar')).toMatchObject({ status: 200, json: { agent: { avatarUrl: null } } });
    expect((await fetch(`${server.url}/console/api/avatars/nope`)).status).toBe(400);
  });

  it('refuses what is not a picture, a picture over 1 MB and a flood of uploads', async () => {
    expect(await call('dee', 'PUT', '/me/avatar', { image: Buffer.from('<svg onload=alert(1)>').toString('base64') })).toMatchObject({ status: 415, json: { code: 'unsupported_media_type' } });
    expect(await call('dee', 'PUT', '/me/avatar', { image: '' })).toMatchObject({ status: 400, json: { code: 'invalid_payload' } });
    const big = Buffer.alloc(MAX_AVATAR_BYTES + 1, 1).toString('base64');
    expect(await call('dee', 'PUT', '/me/avatar', { image: big })).toMatchObject({ status: 413, json: { code: 'payload_too_large' } });
    // Three writes per agent in this server's budget, refused ones included (each cost a decode): dee has spent them.
    expect(await call('dee', 'PUT', '/me/avatar', { image: (await png(10, 10)).toString('base64') })).toMatchObject({ status: 429, json: { code: 'rate_limited' } });
  });
});

describe('what visitors see of an agent', () => {
  it('the display name and picture on replies, live and in history, never the id', async () => {
    const visitor = await connectVisitor(server.url, { name: 'Vic' });
    try {
      const sent = await visitor.send('Hello?');
      if (!sent.ok) throw new Error(sent.error.code);
      const cookie = (await signIn(server, 'ada@example.com')).cookie;
      const up = await fetch(`${server.url}/console/api/me/avatar`, {
        method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ image: (await png(80, 80)).toString('base64') }),
      });
      const avatarUrl = (await up.json()).agent.avatarUrl;
      await fetch(`${server.url}/console/api/me`, { method: 'PATCH', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada Lovelace' }) });
      const ada = await connectAgent(server, cookie);
      const pushed = visitor.next('message:new');
      await ask(ada, 'conversation:reply', { conversationId: sent.message.conversationId, body: 'Hi Vic!', clientId: 'r1' });
      const live = await pushed;
      expect(live.author).toEqual({ type: 'admin', name: 'Ada Lovelace', avatarUrl });
      const history = await visitor.history(null);
      expect(history.ok && history.messages.at(-1)!.author).toEqual({ type: 'admin', name: 'Ada Lovelace', avatarUrl });
      expect(JSON.stringify(history)).not.toContain(ids.ada);
      ada.close();
    } finally {
      visitor.close();
    }
  });
});
