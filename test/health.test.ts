import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServerProcess } from './support/cluster.js';

describe('npm start', () => {
  it('prints the URL, API key and data file, answers /healthz, and logs JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-start-'));
    const server = await startServerProcess({ DATABASE_URL: join(dir, 'data', 'parley.db'), LOG_LEVEL: 'info', PARLEY_API_KEY: '', PARLEY_SECRET: '' });
    try {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', store: 'sqlite' });
      const banner = server.output();
      expect(banner).toContain(`Parley is running at ${server.url}`);
      expect(banner).toMatch(/Bearer pk_dev_[A-Za-z0-9_-]{20,}/);
      expect(banner).toContain(join(dir, 'data', 'parley.db'));
      expect(banner).toMatch(/Console: .*\/console/);
      // Without SMTP_URL, follow-up emails go to files beside the data, and the banner says so.
      expect(banner).toContain(`Emails:      written as .eml files to ${join(dir, 'data', 'emails')} (set SMTP_URL to send them)`);
    } finally {
      await server.stop();
    }
    const json = server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(json.some((l) => l.msg === 'shutting down' && typeof l.level === 'number' && l.service === 'parley')).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
