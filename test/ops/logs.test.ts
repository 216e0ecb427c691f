import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { startServerProcess } from '../support/cluster.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('logs', () => {
  it('redacts secrets wherever a logged object carries them', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(chunk.toString()), done()) });
    const logger = createLogger('info', sink);
    logger.info({
      req: { headers: { authorization: 'Bearer pk_live_secret', cookie: 'parley_session=abc', 'user-agent': 'x' } },
      agent: { email: 'a@b.c', password: 'hunter22', passwordHash: 'scrypt$...' },
      visitorToken: 'vt_123', config: { databaseUrl: 'postgres://u:pw@db/x', port: 3000 },
    }, 'something');
    const text = lines.join('');
    for (const secret of ['pk_live_secret', 'parley_session=abc', 'hunter22', 'scrypt$', 'vt_123', 'u:pw@db']) expect(text).not.toContain(secret);
    const line = JSON.parse(text);
    expect(line.req.headers).toEqual({ authorization: '[Redacted]', cookie: '[Redacted]', 'user-agent': 'x' });
    expect(line.agent).toEqual({ email: 'a@b.c', password: '[Redacted]', passwordHash: '[Redacted]' });
    expect(line.config.port).toBe(3000);
  });

  it('answers every request with its id: the proxy\'s when well-formed, else a fresh one', async () => {
    const fresh = await fetch(`${server.url}/healthz`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${server.url}/v2/nowhere`, { headers: { 'x-request-id': 'edge-4f2a9c01' } });
    expect(kept.status).toBe(401);
    expect(kept.headers.get('x-request-id')).toBe('edge-4f2a9c01');
    const junk = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'a"b\\n{"level":60}' } });
    expect(junk.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    // The default: one JSON object a line, for log shippers.
    [undefined, /^\{"level":30,.*"msg":"stopped"\}$/m],
    // Development: pino-pretty's readable lines, "[time] LEVEL: message".
    ['pretty', /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: stopped$/m],
  ])('writes its log lines in the LOG_FORMAT asked for (%s)', async (format, stopped) => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-logs-'));
    try {
      const server = await startServerProcess({ DATABASE_URL: join(dir, 'parley.db'), LOG_LEVEL: 'info', LOG_FORMAT: format ?? '' });
      // Every line read, not only the process ended: pino flushes its last lines at exit.
      const closed = once(server.child, 'close');
      await server.stop();
      await closed;
      expect({ code: server.child.exitCode, signal: server.child.signalCode }).toEqual({ code: 0, signal: null });
      // Colours, if pino-pretty chose any, are not part of the format.
      const output = server.output().replace(/\x1b\[[0-9;]*m/g, '');
      expect(output).toMatch(stopped);
      if (format === 'pretty') expect(output).not.toMatch(/^\{"level"/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

