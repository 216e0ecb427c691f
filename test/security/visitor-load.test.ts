// Issue 10, item 6: what one visitor can make the server do. Real server, real socket.io
// clients; limits turned on per test (tests default to NO_RATE_LIMITS).
import { io, Manager } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_HISTORY_PAGE_BYTES } from '../../protocol/limits.js';
import type { MessageDto } from '../../protocol/types.js';
import { NO_RATE_LIMITS, RateLimiter, type Verdict } from '../../server/guard/rate-limits.js';
import { http } from '../support/api.js';
import { connectAgent, createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectError, connectVisitor, type Visitor, type VisitorSocket } from '../support/visitor.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(overrides: Parameters<typeof startServer>[0] = {}) {
  const s = await startServer(overrides);
  cleanups.push(() => s.close());
  return s;
}
async function visitor(s: TestServer, auth = {}) {
  const v = await connectVisitor(s.url, auth);
  cleanups.push(() => v.close());
  return v;
}
async function agent(s: TestServer) {
  await createAgent(s, 'ada@example.com', 'agent', 'Ada');
  const socket = await connectAgent(s, (await signIn(s, 'ada@example.com')).cookie);
  cleanups.push(() => socket.close());
  return socket;
}
async function conversationOf(v: Visitor, body = 'hello') {
  const ack = await v.send(body);
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.message.conversationId;
}
/** Closes a visitor and resolves once the server has seen it go. */
function closed(s: TestServer, v: { socket: VisitorSocket; close(): void }) {
  const gone = new Promise((r) => s.parley.io.of('/messenger').sockets.get(v.socket.id!)!.once('disconnect', r));
  v.close();
  return gone;
}
/**
 * One connection carrying an agent socket and a messenger socket: the messenger socket can
 * be refused or leave while the connection (and its transport) stays open.
 */
async function multiplexed(s: TestServer) {
  await createAgent(s, 'bo@example.com', 'agent', 'Bo');
  const cookie = (await signIn(s, 'bo@example.com')).cookie;
  const manager = new Manager(s.url, { transports: ['websocket'], reconnection: false, autoConnect: false, extraHeaders: { cookie } });
  cleanups.push(() => manager.engine?.close());
  const keepOpen = manager.socket('/agents').connect();
  await new Promise((r) => keepOpen.once('connect', () => r(null)));
  const socket = manager.socket('/messenger') as VisitorSocket;
  const outcome = () => new Promise<{ code?: string }>((resolve) => {
    socket.once('session', () => resolve({}));
    socket.once('connect_error', (err) => resolve((err as { data?: { code: string } }).data ?? {}));
  });
  return {
    socket,
    /** Connects with `auth`; resolves with `{}` on a session, else the refusal. */
    connect(auth: object) {
      socket.auth = auth;
      const done = outcome();
      socket.connect();
      return done;
    },
    close: () => socket.disconnect(),
  };
}
const leads = async (s: TestServer) => ((await http(s, 'GET', '/v2/contacts?contactType=lead&limit=100')).json as { data: unknown[] }).data.length;
const pageBytes = (messages: MessageDto[]) => Buffer.byteLength(JSON.stringify(messages));

describe('history:fetch', () => {
  it('answers rate_limited with the retry time once a socket has fetched too often; another socket has its own budget', async () => {
    const s = await server({ rateLimits: { ...NO_RATE_LIMITS, historyPerConnection: { points: 3, seconds: 60 } } });
    const v = await visitor(s);
    await conversationOf(v);
    for (let i = 0; i < 3; i++) expect(await v.history(null)).toMatchObject({ ok: true });
    const refused = await v.history(null);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/retry in \d+ s/) } });
    // Malformed requests count too: they cost a parse.
    expect(await v.socket.timeout(5000).emitWithAck('history:fetch', { since: 'nope' } as never)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    const other = await visitor(s, { visitorToken: v.session.visitorToken });
    expect(await other.history(null)).toMatchObject({ ok: true });
  });

  it('cuts a page of large messages by bytes with hasMore, and paging on with since returns the rest exactly once', async () => {
    const s = await server();
    const v = await visitor(s);
    const first = await v.send('start');
    if (!first.ok) throw new Error(first.error.code);
    // 40 × 9,000 two-byte characters ≈ 720 KB of JSON: three pages or so, far below 200 messages.
    const big: string[] = [];
    for (let i = 0; i < 40; i++) {
      const ack = await v.send(`${i} ${'é'.repeat(9000)}`);
      if (!ack.ok) throw new Error(ack.error.code);
      big.push(ack.message.id);
    }

    const seen: string[] = [];
    let since = first.message.id;
    let pages = 0;
    for (;;) {
      const page = await v.history(since);
      if (!page.ok) throw new Error(page.error.code);
      expect(pageBytes(page.messages)).toBeLessThanOrEqual(MAX_HISTORY_PAGE_BYTES + 1024);
      seen.push(...page.messages.map((m) => m.id));
      pages++;
      if (!page.hasMore) break;
      since = page.messages.at(-1)!.id;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(big);

    // Without since: the latest messages that fit, newest last; older ones exist.
    const latest = await v.history(null);
    if (!latest.ok) throw new Error(latest.error.code);
    expect(latest.hasMore).toBe(true);
    expect(latest.messages.length).toBeLessThan(40);
    expect(latest.messages.map((m) => m.id)).toEqual(big.slice(-latest.messages.length));
    expect(pageBytes(latest.messages)).toBeLessThanOrEqual(MAX_HISTORY_PAGE_BYTES + 1024);
  });
});

describe('typing', () => {
  it("never relays a visitor's typing for someone else's conversation, and does for its own", async () => {
    const s = await server();
    const ada = await agent(s);
    const victim = await visitor(s);
    const theirs = await conversationOf(victim);
    const attacker = await visitor(s);
    const mine = await conversationOf(attacker);
    const relayed: { conversationId: string; contactId: string }[] = [];
    ada.on('visitor:typing', (p) => relayed.push(p));
    const legit = new Promise<void>((resolve) => ada.on('visitor:typing', (p) => p.conversationId === mine && resolve()));

    attacker.socket.emit('typing', { conversationId: theirs, typing: true });
    attacker.socket.emit('typing', { conversationId: '987654', typing: true }); // no such conversation
    // One socket's typing is handled in order: the forbidden ones would arrive first.
    attacker.socket.emit('typing', { conversationId: mine, typing: true });
    await legit;
    expect(relayed).toEqual([{ contactId: attacker.session.contact.id, conversationId: mine, typing: true }]);
  });

  it('drops typing beyond the per-connection limit', async () => {
    const s = await server({ rateLimits: { ...NO_RATE_LIMITS, typingPerConnection: { points: 3, seconds: 60 } } });
    const ada = await agent(s);
    const v = await visitor(s);
    const mine = await conversationOf(v);
    const witness = await visitor(s);
    const theirs = await conversationOf(witness);

    // Learn when the server has decided on every typing event of the flood.
    const FLOOD = 10;
    const verdicts: Promise<Verdict>[] = [];
    let decided!: () => void;
    const allDecided = new Promise<void>((r) => (decided = r));
    const consume = RateLimiter.prototype.consume;
    vi.spyOn(RateLimiter.prototype, 'consume').mockImplementation(function (this: RateLimiter, checks) {
      const verdict = consume.call(this, checks);
      if (checks[0]?.[0] === 'typingPerConnection' && verdicts.push(verdict) === FLOOD) decided();
      return verdict;
    });
    let fromFlood = 0;
    let tooMany!: (err: Error) => void;
    const overLimit = new Promise<never>((_, reject) => (tooMany = reject));
    ada.on('visitor:typing', (p) => {
      if (p.conversationId === mine && ++fromFlood > 3) tooMany(new Error(`${fromFlood} typing events relayed`));
    });

    for (let i = 0; i < FLOOD; i++) v.socket.emit('typing', { conversationId: mine, typing: i % 2 === 0 });
    await Promise.race([allDecided, overLimit]);
    expect((await Promise.all(verdicts)).filter((x) => x.ok)).toHaveLength(3);
    // Another visitor's typing, sent after every decision, arrives after anything relayed from the flood.
    const barrier = new Promise<void>((resolve) => ada.on('visitor:typing', (p) => p.conversationId === theirs && resolve()));
    witness.socket.emit('typing', { conversationId: theirs, typing: true });
    await Promise.race([barrier, overLimit]);
    expect(fromFlood).toBe(3);
  });
});

describe('socket caps', () => {
  it('refuses the (N+1)th socket of one contact with too_many_connections; closing one frees a slot', async () => {
    const s = await server({ maxSocketsPerContact: 3 });
    const first = await visitor(s);
    const auth = { visitorToken: first.session.visitorToken };
    await visitor(s, auth);
    await visitor(s, auth);
    const err = await connectError(s.url, auth);
    expect(err.data).toMatchObject({ code: 'too_many_connections', message: expect.stringContaining('at most 3') });
    // Another visitor from the same address is not affected.
    await visitor(s);
    await closed(s, first);
    const again = await visitor(s, auth);
    expect(again.session.contact.id).toBe(first.session.contact.id);
  });

  it('refuses the (N+1)th socket from one IP before identifying it (no lead is created); closing one frees a slot', async () => {
    const s = await server({ maxSocketsPerIp: 2 });
    const a = await visitor(s);
    await visitor(s);
    expect(await leads(s)).toBe(2);
    for (let i = 0; i < 3; i++) expect((await connectError(s.url, {})).data).toMatchObject({ code: 'too_many_connections' });
    expect((await connectError(s.url, { visitorToken: a.session.visitorToken })).data).toMatchObject({ code: 'too_many_connections' });
    expect(await leads(s)).toBe(2);
    await closed(s, a);
    await visitor(s);
    expect(await leads(s)).toBe(3);
  });

  it('gives the slots of refused handshakes back (identity refused, contact cap reached)', async () => {
    const s = await server({ maxSocketsPerIp: 2, maxSocketsPerContact: 1 });
    for (let i = 0; i < 3; i++) expect((await connectError(s.url, { userId: 'someone' })).data).toMatchObject({ code: 'identity_invalid' });
    const a = await visitor(s);
    for (let i = 0; i < 3; i++) {
      expect((await connectError(s.url, { visitorToken: a.session.visitorToken })).data).toMatchObject({ code: 'too_many_connections' });
    }
    // Both refusals held an IP slot for a moment; had they kept it, this one would be refused.
    await visitor(s);
    expect((await connectError(s.url, {})).data).toMatchObject({ code: 'too_many_connections' });
  });

  it('frees the slots of a refused or departed socket even when its connection stays open', async () => {
    const s = await server({ maxSocketsPerIp: 2 });
    const m = await multiplexed(s);
    // Refused after the IP was counted, twice, on one open connection.
    expect(await m.connect({ userId: 'someone' })).toMatchObject({ code: 'identity_invalid' });
    expect(await m.connect({ userId: 'someone' })).toMatchObject({ code: 'identity_invalid' });
    expect(await m.connect({})).toEqual({});
    await visitor(s);
    expect((await connectError(s.url, {})).data).toMatchObject({ code: 'too_many_connections' });
    // The messenger socket leaves; the agent socket keeps the connection open.
    await closed(s, m);
    await visitor(s);
  });

  it('frees the slot of a handshake whose connection closes while it is being identified', async () => {
    const s = await server({ maxSocketsPerIp: 1 });
    // Hold the new-lead check until the client has gone.
    let identifying!: () => void;
    const reached = new Promise<void>((r) => (identifying = r));
    let finish!: (v: Verdict) => void;
    vi.spyOn(RateLimiter.prototype, 'consume').mockImplementationOnce(() => {
      identifying();
      return new Promise<Verdict>((r) => (finish = r));
    });
    const transportClosed = new Promise((r) => s.parley.io.engine.once('connection', (conn) => conn.once('close', r)));
    const client = io(`${s.url}/messenger`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await reached;
    client.close();
    await transportClosed;
    finish({ ok: true });
    await visitor(s);
  });
});
