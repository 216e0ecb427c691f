import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = resolve(import.meta.dirname, '../../dist/server.js');

/** Starts the built server with `env` and collects how it ends. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: join(dir, 'parley.db'), PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((done) => child.on('exit', (code) => done({ code, stderr, stdout })));
}

describe('a bad setting at start', () => {
  it.each([
    [{ PORT: 'abc' }, /invalid configuration: PORT must be a port number; got abc/],
    [{ PARLEY_TRUST_PROXY: 'true' }, /invalid configuration: PARLEY_TRUST_PROXY=true would let any client choose its IP/],
    [{ PARLEY_SHUTDOWN_TIMEOUT_SECONDS: '-1' }, /invalid configuration: PARLEY_SHUTDOWN_TIMEOUT_SECONDS must be a positive number; got -1/],
    [{ PARLEY_METRICS_ALLOW: '10.0.0.0/99' }, /invalid configuration: PARLEY_METRICS_ALLOW: .*; use addresses or CIDRs/],
    [{ LOG_FORMAT: 'xml' }, /invalid configuration: LOG_FORMAT must be json or pretty; got xml/],
    [{ SMTP_URL: 'https://user:hunter2@mail.test' }, /invalid configuration: SMTP_URL must start with smtp:\/\/ or smtps:\/\/; got https:/],
  ])('stops the process with one plain line naming the setting (%o)', async (env, message) => {
    const { code, stderr, stdout } = await start(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    // The operator's message, not a stack trace, and nothing started.
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).not.toMatch(/Parley is running/);
  });
});
