import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parley } from '../support/cli.js';
import { startServerProcess } from '../support/cluster.js';
import { freePort } from '../support/own-services.js';
import { connectVisitor } from '../support/visitor.js';

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  env = { DATABASE_URL: join(dir, 'data', 'parley.db'), PARLEY_API_KEY: `pk_test_${randomBytes(8).toString('hex')}`, PARLEY_SECRET: randomBytes(32).toString('hex') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const signIn = async (url: string, email: string, password: string) =>
  (await fetch(`${url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).status;

describe('parley (the command line, as a real process)', () => {
  it('migrate makes the schema, then agents create, reset-password and deactivate work on a running server\'s store', async () => {
    const migrated = await parley(['migrate'], env);
    expect(migrated).toMatchObject({ code: 0 });
    expect(migrated.stdout).toContain(`Store up to date: sqlite ${env.DATABASE_URL}`);

    const created = await parley(['agents', 'create', '--email', 'Ops@Example.com', '--role', 'admin'], env);
    expect(created.code).toBe(0);
    const first = /with the password (\S+)/.exec(created.stdout)![1];
    expect(created.stdout).toContain('Created admin ops@example.com');
    await parley(['agents', 'create', '--email', 'second@example.com', '--password', 'a long enough password'], env);

    const server = await startServerProcess(env);
    try {
      expect(await signIn(server.url, 'ops@example.com', first)).toBe(200);
      const reset = await parley(['agents', 'reset-password', '--email', 'ops@example.com'], env);
      expect(reset.code).toBe(0);
      const second = /: (\S+) {3}\(shown once\)/.exec(reset.stdout)![1];
      expect(await signIn(server.url, 'ops@example.com', first)).toBe(401);
      expect(await signIn(server.url, 'ops@example.com', second)).toBe(200);

      // The last admin stays; an agent can go.
      const refused = await parley(['agents', 'deactivate', '--email', 'ops@example.com'], env);
      expect(refused).toMatchObject({ code: 1, stdout: expect.stringContaining('last active admin') });
      expect((await parley(['agents', 'deactivate', '--email', 'second@example.com'], env)).code).toBe(0);
      expect(await signIn(server.url, 'second@example.com', 'a long enough password')).toBe(401);

      const audit = await fetch(`${server.url}/v2/audit-logs?limit=10`, { headers: { authorization: `Bearer ${env.PARLEY_API_KEY}` } }).then((r) => r.json());
      expect(audit.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['admin.password_reset', 'admin.deactivated']));
    } finally {
      await server.stop();
    }
    expect(await parley(['agents', 'reset-password', '--email', 'nobody@example.com'], env)).toMatchObject({ code: 1, stdout: expect.stringContaining('No agent with the email') });
    expect((await parley(['agents', 'create'], env)).code).toBe(2);
    expect((await parley(['agents', 'create', '--email', 'x@example.com', '--bogus'], env)).code).toBe(2);
  }, 120_000);

  it('backup copies a live SQLite store; restoring it brings back messages and blocks', async () => {
    let server = await startServerProcess(env);
    const visitor = await connectVisitor(server.url);
    const other = await connectVisitor(server.url);
    expect(await visitor.send('kept one')).toMatchObject({ ok: true });
    expect(await visitor.send('kept two')).toMatchObject({ ok: true });
    const blockedId = other.session.contact.id;
    const rest = (url: string, method: string, path: string) => fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${env.PARLEY_API_KEY}` } });
    expect((await rest(server.url, 'POST', `/v2/contacts/${blockedId}/block`)).status).toBe(200);

    const file = join(dir, 'backup.db');
    const done = await parley(['backup', file], env);
    expect(done).toMatchObject({ code: 0, stdout: expect.stringContaining(`to ${file}`) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await parley(['backup', file], env))).toMatchObject({ code: 1, stdout: expect.stringContaining('never overwrites') });
    // After the backup: not in it.
    expect(await visitor.send('after the backup')).toMatchObject({ ok: true });
    visitor.close();
    other.close();
    await server.stop();

    // Wipe, then restore as docs/OPERATIONS.md says: the backup file becomes the database file.
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    copyFileSync(file, env.DATABASE_URL);
    chmodSync(env.DATABASE_URL, 0o600);
    server = await startServerProcess(env);
    try {
      const back = await connectVisitor(server.url, { visitorToken: visitor.session.visitorToken });
      const history = await back.history(null);
      back.close();
      expect(history.ok && history.messages.map((m) => m.body)).toEqual(['kept one', 'kept two']);
      const contact = await rest(server.url, 'GET', `/v2/contacts/${blockedId}`).then((r) => r.json());
      expect(contact).toMatchObject({ id: blockedId, blocked: true });
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('backup on PostgreSQL prints the pg_dump and pg_restore commands, password masked', async () => {
    const res = await parley(['backup', 'parley.dump'], { ...env, DATABASE_URL: 'postgres://parley:s3cret@db.internal:5432/parley', PARLEY_DB_SCHEMA: 'tenant_a' });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('pg_dump --format=custom --no-owner --schema=tenant_a --file=parley.dump "postgres://parley:***@db.internal:5432/parley"');
    expect(res.stdout).toContain('pg_restore --clean --if-exists --no-owner');
    expect(res.stdout).not.toContain('s3cret');
  });

  it('key rotate gives a new key; the old one works during the grace period only', async () => {
    const rotated = await parley(['key', 'rotate', '--grace-hours', '2'], env);
    expect(rotated.code).toBe(0);
    const setting = (name: string) => new RegExp(`^  ${name}=(\\S+)$`, 'm').exec(rotated.stdout)![1];
    const fresh = setting('PARLEY_API_KEY');
    expect(setting('PARLEY_API_KEY_PREVIOUS')).toBe(env.PARLEY_API_KEY);
    const until = Date.parse(setting('PARLEY_API_KEY_PREVIOUS_UNTIL'));
    expect(until - Date.now()).toBeGreaterThan(1.9 * 3_600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    const status = (url: string, key: string) => fetch(`${url}/v2/contacts`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

    const rotatedEnv = { ...env, PARLEY_API_KEY: fresh, PARLEY_API_KEY_PREVIOUS: env.PARLEY_API_KEY, PARLEY_API_KEY_PREVIOUS_UNTIL: setting('PARLEY_API_KEY_PREVIOUS_UNTIL') };
    let server = await startServerProcess(rotatedEnv);
    try {
      expect(await status(server.url, fresh)).toBe(200);
      expect(await status(server.url, env.PARLEY_API_KEY)).toBe(200);
      expect(await status(server.url, 'pk_someone_else')).toBe(401);
    } finally {
      await server.stop();
    }
    // Once the grace period is over, the old key is refused (and doctor says to remove it).
    const expired = { ...rotatedEnv, PARLEY_API_KEY_PREVIOUS_UNTIL: new Date(Date.now() - 1000).toISOString() };
    server = await startServerProcess(expired);
    try {
      expect(await status(server.url, fresh)).toBe(200);
      expect(await status(server.url, env.PARLEY_API_KEY)).toBe(401);
    } finally {
      await server.stop();
    }
    expect((await parley(['doctor'], expired)).stdout).toContain('PARLEY_API_KEY_PREVIOUS has expired');
    expect((await parley(['key', 'rotate', '--grace-hours', 'soon'], env)).code).toBe(2);
  }, 120_000);

  it('doctor says what is wrong in plain words and exits 1 on a problem', async () => {
    const bad = await parley(['doctor'], { ...env, PORT: 'eighty' });
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('PORT must be a port number; got eighty') });

    expect((await parley(['migrate'], env)).code).toBe(0);
    const healthy = await parley(['doctor'], { ...env, PARLEY_ALLOWED_ORIGINS: 'https://shop.example' });
    expect(healthy.stdout).toMatch(/^ok +store +SQLite .* answers; every migration applied$/m);
    expect(healthy).toMatchObject({ code: 0, stdout: expect.stringContaining('Parley can run with these settings.') });

    chmodSync(env.DATABASE_URL, 0o644);
    const redisPort = await freePort();
    const sick = await parley(['doctor'], { ...env, REDIS_URL: `redis://127.0.0.1:${redisPort}`, LOG_FORMAT: 'pretty' });
    expect(sick.code).toBe(1);
    expect(sick.stdout).toContain(`${env.DATABASE_URL} is readable by others (mode 644): chmod 600 ${env.DATABASE_URL}`);
    expect(sick.stdout).toMatch(new RegExp(`^FAIL +redis +redis://127.0.0.1:${redisPort} does not answer`, 'm'));
    expect(sick.stdout).toMatch(/^warn +settings +PARLEY_ALLOWED_ORIGINS is empty/m);
    expect(sick.stdout).toMatch(/^warn +settings +LOG_FORMAT=pretty is for development/m);
  }, 60_000);
});
