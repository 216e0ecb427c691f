import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/cluster.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-kill-'));
const env = {
  DATABASE_URL: join(dir, 'parley.db'), PARLEY_API_KEY: 'pk_kill_test_key', PARLEY_SECRET: 'kill-test-secret-kill-test-secret',
  PARLEY_RATE_SEND_PER_CONNECTION: 'off', PARLEY_RATE_SEND_PER_CONTACT: 'off', PARLEY_RATE_SEND_PER_IP: 'off', PARLEY_RATE_LEADS_PER_IP: 'off',
};
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a server killed with SIGKILL mid-stream', () => {
  it('keeps every acked message exactly once after restart, and resends by clientId create no duplicates', async () => {
    server = await startServerProcess(env);
    const visitors: Visitor[] = [];
    for (let i = 0; i < 4; i++) visitors.push(await connectVisitor(server.url, {}, { timeout: 2000 }));
    const tokens = visitors.map((v) => v.session.visitorToken);
    const acked = visitors.map(() => new Map<string, string>()); // clientId -> message id
    const issued = visitors.map(() => [] as string[]);
    let killed = false;

    const pumps = visitors.map(async (v, i) => {
      for (let n = 0; !killed; n++) {
        const clientId = `v${i}-${n}`;
        issued[i].push(clientId);
        const ack = await v.send(`message ${n}`, clientId).catch(() => null);
        if (ack?.ok) acked[i].set(clientId, ack.message.id);
      }
    });
    while (acked.reduce((s, m) => s + m.size, 0) < 300) await new Promise((r) => setTimeout(r, 2));
    await server.kill();
    killed = true;
    await Promise.all(pumps);
    for (const v of visitors) v.close();

    server = await startServerProcess(env);
    for (let i = 0; i < visitors.length; i++) {
      const back = await connectVisitor(server.url, { visitorToken: tokens[i] });
      expect(back.session.contact.id).toBe(visitors[i].session.contact.id);
      // The client does not know which in-flight sends landed: it resends all of them.
      for (const clientId of issued[i]) {
        const n = clientId.split('-')[1];
        const ack = await back.send(`message ${n}`, clientId);
        expect(ack.ok).toBe(true);
        const before = acked[i].get(clientId);
        if (before && ack.ok) expect(ack.message.id).toBe(before);
      }
      const history = await back.history(null);
      if (!history.ok) throw new Error('history failed');
      const ids = history.messages.map((m) => m.clientId);
      expect(ids.length).toBe(new Set(ids).size);
      expect(new Set(ids)).toEqual(new Set(issued[i]));
      for (const [clientId, id] of acked[i]) expect(history.messages.find((m) => m.clientId === clientId)?.id).toBe(id);
      back.close();
    }
  }, 60_000);
});
