import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { http } from '../support/api.js';
import { startServerProcess } from '../support/cluster.js';
import { startServer, type TestServer } from '../support/server.js';

const SERVER = new URL('../../dist/server.js', import.meta.url).pathname;
const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-surfaces-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
async function server(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const s = await startServer(overrides);
  cleanups.push(() => s.close());
  return s;
}
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
function kill(child: ChildProcess) {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  };
}
const mode = (path: string) => statSync(path).mode & 0o777;

describe('JSON answers', () => {
  it('carry nosniff and no-store, errors included', async () => {
    const s = await server();
    for (const res of [
      await http(s, 'GET', '/healthz'),
      await http(s, 'GET', '/v2/contacts'),
      await http(s, 'GET', '/v2/contacts', { auth: false }),
      await http(s, 'GET', '/console/api/me', { auth: false }),
    ]) {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('console and demo page CSP', () => {
  it("allow connections to this server only (connect-src 'self', no ws:/wss: to any host)", async () => {
    const s = await server();
    for (const path of ['/console', '/console/', '/']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status, path).toBe(200);
      await res.text();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/(^|;\s*)connect-src 'self'(;|$)/);
      expect(csp, path).not.toMatch(/\bwss?:/);
    }
  });
});

describe('data directory permissions', () => {
  it('creates the data directory 0700 and the database files 0600', async () => {
    const data = join(tempDir(), 'data');
    const s = await server({ databaseUrl: join(data, 'parley.db') });
    await http(s, 'GET', '/v2/contacts'); // something written
    expect(mode(data)).toBe(0o700);
    for (const file of ['parley.db', 'parley.db-wal', 'parley.db-shm']) {
      if (existsSync(join(data, file))) expect(mode(join(data, file)), file).toBe(0o600);
    }
    expect(existsSync(join(data, 'parley.db-wal'))).toBe(true);
  });

  it('tightens a directory and files an older version left 0755/0644', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    const first = await server({ databaseUrl: join(data, 'parley.db') });
    await first.parley.close();
    chmodSync(data, 0o755);
    chmodSync(join(data, 'parley.db'), 0o644);
    const s = await server({ databaseUrl: join(data, 'parley.db') });
    await http(s, 'GET', '/v2/contacts');
    expect(mode(data)).toBe(0o700);
    expect(mode(join(data, 'parley.db'))).toBe(0o600);
  });

  it('does not change the mode of a directory that holds more than Parley\'s files', async () => {
    const shared = tempDir();
    chmodSync(shared, 0o755);
    mkdirSync(join(shared, 'other'));
    const s = await server({ databaseUrl: join(shared, 'parley.db') });
    expect(mode(shared)).toBe(0o755);
    expect(mode(join(shared, 'parley.db'))).toBe(0o600);
    await s.close();
  });
});

describe('npm start (dist/server.js)', () => {
  it('keeps the dev secrets file 0600 in a 0700 directory', async () => {
    const data = join(tempDir(), 'data');
    const p = await startServerProcess({ DATABASE_URL: join(data, 'parley.db'), PARLEY_API_KEY: '', PARLEY_SECRET: '' });
    cleanups.push(() => p.kill());
    expect(mode(data)).toBe(0o700);
    expect(mode(join(data, 'parley-dev-secrets.json'))).toBe(0o600);
    expect(mode(join(data, 'parley.db'))).toBe(0o600);
  });

  it('answers /healthz 200 only once the first admin can sign in', async () => {
    const port = await freePort();
    const data = join(tempDir(), 'data');
    const child = spawn(process.execPath, [SERVER], {
      env: {
        ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: join(data, 'parley.db'),
        PARLEY_API_KEY: '', PARLEY_SECRET: '', PARLEY_ADMIN_EMAIL: 'first@example.com', PARLEY_ADMIN_PASSWORD: 'a first admin password',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(kill(child));
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const base = `http://127.0.0.1:${port}`;
    // As an orchestrator does: poll until healthy, then use it at once.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const status = await fetch(`${base}/healthz`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never healthy:\n${output}`);
    }
    const res = await fetch(`${base}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'first@example.com', password: 'a first admin password' }),
    });
    expect(res.status, output).toBe(200);
  });

  it('prints a PARLEY_API_KEY masked, never in full', async () => {
    const key = 'pk_live_0123456789abcdefSECRET';
    const p = await startServerProcess({ DATABASE_URL: join(tempDir(), 'parley.db'), PARLEY_API_KEY: key, PARLEY_SECRET: 'x'.repeat(32) });
    cleanups.push(() => p.kill());
    expect(p.output()).not.toContain(key);
    expect(p.output()).not.toContain('SECRET');
    expect(p.output()).toContain('Bearer pk_liv…');
  });

  it.skipIf(!HAS_REDIS_SERVER)('masks the password in REDIS_URL', async () => {
    const redisPort = await freePort();
    const password = 'redis-pw-4f9a1c';
    const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(kill(redis));
    await new Promise<void>((resolve, reject) => {
      let log = '';
      redis.stdout!.on('data', (c: Buffer) => {
        log += c.toString();
        if (log.includes('Ready to accept connections')) resolve();
      });
      redis.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${log}`)));
    });
    const p = await startServerProcess({
      DATABASE_URL: join(tempDir(), 'parley.db'), PARLEY_API_KEY: 'pk_live_abcdefghijkl', PARLEY_SECRET: 'x'.repeat(32),
      REDIS_URL: `redis://:${password}@127.0.0.1:${redisPort}`,
    });
    cleanups.push(() => p.kill());
    expect(p.output()).not.toContain(password);
    expect(p.output()).toContain(`Redis:       redis://:***@127.0.0.1:${redisPort}`);
  });
});
