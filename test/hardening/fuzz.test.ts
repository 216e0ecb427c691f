import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../protocol/errors.js';
import { startServerProcess, type ServerProcess } from '../support/cluster.js';
import { connectVisitor } from '../support/visitor.js';
import { hostileValue, mulberry32, pick } from '../support/hostile.js';

const SOCKET_CASES = 7000;
const HTTP_CASES = 3000;
const API_KEY = 'pk_fuzz_key_0123456789';

let server: ServerProcess;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-fuzz-'));
  server = await startServerProcess({
    DATABASE_URL: join(dir, 'fuzz.db'), PARLEY_API_KEY: API_KEY, PARLEY_SECRET: 'fuzz-secret-fuzz-secret-fuzz-secret',
    PARLEY_RATE_SEND_PER_CONNECTION: 'off', PARLEY_RATE_SEND_PER_CONTACT: 'off', PARLEY_RATE_SEND_PER_IP: 'off',
    PARLEY_RATE_LEADS_PER_IP: 'off', PARLEY_RATE_REST_PER_IP: 'off',
  });
}, 30_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const DROPPED = Symbol('dropped');
/** The ack, or DROPPED when the server closes the connection instead (oversize or malformed packet). */
function ackOrDrop(client: Socket, event: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onDrop = () => resolve(DROPPED);
    client.once('disconnect', onDrop);
    (client as any).emit(event, payload, (ack: unknown) => {
      client.off('disconnect', onDrop);
      resolve(ack);
    });
  });
}

const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]);
const KNOWN_CODES = new Set(Object.keys(ERRORS));

const EVENTS_WITH_ACK = ['message:send', 'history:fetch'];
const OTHER_EVENTS = ['typing', 'session', 'message:new', 'contact:blocked', '__proto__', 'constructor', 'hasOwnProperty', 'x'.repeat(300), ''];
// Raw socket.io packets that are not well-formed.
const RAW_PACKETS = ['42[', '42{"a":1}', '4Z', '451-["message:send",{"_placeholder":true,"num":9}]', '42/messenger,["message:send"]', '40/nope,', '2probe', '4' + '['.repeat(5000), '42["message:send",' + '['.repeat(3000) + ']'.repeat(3000) + ']'];

describe('fuzzing a running server', () => {
  it(`answers or ignores ${SOCKET_CASES} hostile socket payloads and ${HTTP_CASES} hostile HTTP requests, stays up with bounded memory, and valid clients keep working`, async () => {
    const rand = mulberry32(0xC0FFEE);
    const valid = await connectVisitor(server.url);
    expect(await valid.send('before the storm')).toMatchObject({ ok: true });
    const rssBefore = rssKb();

    // --- sockets: several hostile clients, each reconnecting when the server drops it.
    const makeClient = () => io(`${server.url}/messenger`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: rand() < 0.3 ? (hostileValue(rand, 2) as object) : {} });
    const clients: Socket[] = Array.from({ length: 8 }, makeClient);
    let answered = 0;
    let dropped = 0;
    const badAcks: unknown[] = [];
    for (let i = 0; i < SOCKET_CASES; i += clients.length) {
      await Promise.all(clients.map(async (client, c) => {
        if (!client.connected) {
          client.close();
          clients[c] = client = makeClient();
          await new Promise((r) => {
            client.once('connect', r as never);
            client.once('connect_error', r as never);
            // A refused handshake (e.g. oversize auth) closes the transport without connect_error.
            client.io.once('close', r as never);
          });
          if (!client.connected) return void dropped++;
        }
        const roll = rand();
        if (roll < 0.05) {
          (client.io as any).engine.write(pick(rand, RAW_PACKETS));
          return;
        }
        if (roll < 0.25) {
          (client as any).emit(pick(rand, OTHER_EVENTS), hostileValue(rand, 4));
          return;
        }
        const event = pick(rand, EVENTS_WITH_ACK);
        const ack = await ackOrDrop(client, event, hostileValue(rand, 4));
        if (ack === DROPPED) return void dropped++;
        answered++;
        const fine = ack && typeof ack === 'object' && ((ack as any).ok === true || ((ack as any).ok === false && KNOWN_CODES.has((ack as any).error?.code) && (ack as any).error.code !== 'internal_error'));
        if (!fine) badAcks.push(ack);
      }));
    }
    for (const client of clients) client.close();
    expect(badAcks).toEqual([]);
    expect(answered).toBeGreaterThan(SOCKET_CASES / 2);

    // --- HTTP: hostile methods, paths, headers and bodies; never a 5xx.
    const statuses = new Map<number, number>();
    const fiveHundreds: string[] = [];
    const PATHS = ['/v2/contacts', '/v2/contacts/%ZZ', '/v2/contacts/' + 'a'.repeat(24), '/v2/contacts/x/block', '/v2/contacts/../../etc/passwd', '/v2/conversations', '/v2/conversations/1/reply', '/v2/conversations/99999999999999999999', '/v2/conversations/424242', '/v2/%00', '/healthz', '/..%2f..%2fetc%2fpasswd', '/widget.js', '/v2/contacts?limit=-1&cursor=%FF', '/v2/contacts?contactType[]=a&limit=1e3'];
    for (let i = 0; i < HTTP_CASES; i += 20) {
      await Promise.all(Array.from({ length: 20 }, async () => {
        const method = pick(rand, ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD']);
        const path = pick(rand, PATHS);
        const headers: Record<string, string> = { authorization: rand() < 0.85 ? `Bearer ${API_KEY}` : pick(rand, ['Bearer', 'Bearer x', 'Basic Zm9vOmJhcg==', '']) };
        if (rand() < 0.2) headers['featurebase-version'] = pick(rand, ['2025-12-12.clover', 'nova', '', '2026-01-01.nova']);
        let body: Blob | string | undefined;
        if (method !== 'GET' && method !== 'HEAD') {
          const kind = rand();
          if (kind < 0.15) body = new Blob([new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])]); // invalid UTF-8
          else if (kind < 0.3) body = '{"a":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}';
          else if (kind < 0.4) body = 'not json at all';
          else body = JSON.stringify(hostileValue(rand, 5));
          headers['content-type'] = rand() < 0.9 ? 'application/json' : pick(rand, ['text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']);
        }
        try {
          const res = await fetch(`${server.url}${path}`, { method, headers, body });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) fiveHundreds.push(`${method} ${path} -> ${res.status}`);
        } catch (err) {
          fiveHundreds.push(`${method} ${path} -> ${(err as Error).message}`);
        }
      }));
    }
    expect(fiveHundreds).toEqual([]);

    // --- still up, memory bounded, valid clients unaffected.
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await valid.send('after the storm')).toMatchObject({ ok: true });
    const fresh = await connectVisitor(server.url);
    expect(await fresh.send('new visitor')).toMatchObject({ ok: true });
    const history = await valid.history(null);
    expect(history.ok && history.messages.map((m) => m.body).filter((b) => b.includes('storm'))).toEqual(['before the storm', 'after the storm']);
    const growthMb = (rssKb() - rssBefore) / 1024;
    // Generous bound: the point is "no unbounded growth", not a benchmark.
    expect(growthMb).toBeLessThan(150);
    valid.close();
    fresh.close();
  }, 240_000);
});
