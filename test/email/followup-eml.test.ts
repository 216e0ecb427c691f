// Without SMTP_URL, follow-up emails are written as .eml files under the data directory (the
// embedded default works with zero set-up), and the server says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emailSettingsFromEnv } from '../../server/config.js';
import { startServer, type TestServer } from '../support/server.js';
import { http, newAdmin } from '../support/api.js';
import { connectVisitor } from '../support/visitor.js';
import { parseEmail } from '../support/smtp.js';
import { signSession } from '../../server/auth/session.js';
import { SESSION_COOKIE } from '../../protocol/agents.js';

describe('email follow-up without SMTP', () => {
  let server: TestServer;

  const data = mkdtempSync(join(tmpdir(), 'parley-eml-'));

  beforeAll(async () => {
    // The defaults (emails/ beside the SQLite file), with a quick poll and no batching wait.
    const databaseUrl = join(data, 'parley.db');
    server = await startServer({ databaseUrl, email: emailSettingsFromEnv({ PARLEY_EMAIL_POLL_MS: '50', PARLEY_EMAIL_DELAY_SECONDS: '0.05' }, databaseUrl) });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(data, { recursive: true, force: true });
  });

  const emls = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []);

  it('writes the email as an .eml file under the data directory', async () => {
    const { dir } = server.parley.config.email;
    expect(server.parley.mailer).toEqual({ kind: 'files', dir });
    expect(dir).toBe(join(data, 'emails'));
    const v = await connectVisitor(server.url);
    const sent = await v.send('Do you ship to Belgium?');
    if (!sent.ok) throw new Error(sent.error.message);
    expect(await v.socket.emitWithAck('followup:subscribe', { email: 'lea@example.com', pageUrl: 'https://shop.test/' })).toEqual({ ok: true });
    v.close();
    const res = await http(server, 'POST', `/v2/conversations/${sent.message.conversationId}/reply`, { body: { type: 'admin', id: await newAdmin(server), messageType: 'reply', bodyMarkdown: 'Oui, en 2 à 3 jours.' } });
    expect(res.status).toBe(201);
    await expect.poll(() => emls(dir).length, { timeout: 5000 }).toBe(1);
    const mail = parseEmail(readFileSync(join(dir, emls(dir)[0]), 'utf8'));
    expect(mail.header('To')).toBe('lea@example.com');
    expect(mail.text).toContain('Oui, en 2 à 3 jours.');
    expect(mail.text).toMatch(/Stop these emails: http:\/\/127\.0\.0\.1:\d+\/email\/unsubscribe\?token=u1\./);
  });

  it('tells console agents that emails are only written to files (the directory to admins)', async () => {
    const url = `${server.url}/console/api/email-delivery`;
    expect((await fetch(url)).status).toBe(401);
    const cookie = async (role: 'admin' | 'agent') => {
      const a = await server.parley.core.agents.create({ email: `${role}-${Date.now()}@example.com`, name: role, role, password: 'correct horse battery' });
      return { cookie: `${SESSION_COOKIE}=${signSession(a.id, a.sessionEpoch, server.parley.config.keys.session)}` };
    };
    expect(await (await fetch(url, { headers: await cookie('admin') })).json()).toEqual({ transport: 'files', dir: join(data, 'emails') });
    expect(await (await fetch(url, { headers: await cookie('agent') })).json()).toEqual({ transport: 'files', dir: null });
  });
});
