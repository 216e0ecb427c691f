import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockContact, unblockContact } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor, type Visitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/**
 * Tabs of one contact send as fast as they can while the block is issued. After the block
 * call has answered, no send issued afterwards may be accepted; stored messages equal ok
 * acks (nothing stored without an ack, nothing acked without being stored).
 */
async function raceOnce(round: number) {
  const first = await connectVisitor(server.url);
  const tabs: Visitor[] = [first];
  for (let i = 0; i < 3; i++) tabs.push(await connectVisitor(server.url, { visitorToken: first.session.visitorToken }));
  const id = first.session.contact.id;
  let blockAnswered = false;
  let stop = false;
  const outcomes: { ok: boolean; issuedAfterBlock: boolean; code?: string }[] = [];
  const pumps = tabs.map(async (tab, t) => {
    for (let n = 0; !stop; n++) {
      const issuedAfterBlock = blockAnswered;
      const ack = await tab.send(`r${round}-t${t}-${n}`);
      outcomes.push({ ok: ack.ok, issuedAfterBlock, code: ack.ok ? undefined : ack.error.code });
      if (issuedAfterBlock && outcomes.filter((o) => o.issuedAfterBlock).length > 40) stop = true;
    }
  });
  // Let traffic flow, then block mid-stream.
  while (outcomes.length < 20) await new Promise((r) => setImmediate(r));
  const res = await blockContact(server, id);
  expect(res.status).toBe(200);
  blockAnswered = true;
  await Promise.all(pumps);

  const afterBlock = outcomes.filter((o) => o.issuedAfterBlock);
  expect(afterBlock.length).toBeGreaterThan(0);
  expect(afterBlock.every((o) => !o.ok && o.code === 'contact_blocked')).toBe(true);
  const okAcks = outcomes.filter((o) => o.ok).length;
  const history = await first.history(null);
  if (!history.ok) throw new Error('history failed');
  expect(history.messages.length).toBe(okAcks);
  expect(okAcks).toBeGreaterThan(0);
  await unblockContact(server, id);
  expect(await first.send('after unblock')).toMatchObject({ ok: true });
  for (const tab of tabs) tab.close();
}

describe('sends racing a block', () => {
  it('accepts nothing issued after the block answered, and stores exactly the acked messages (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) await raceOnce(round);
  });
});
