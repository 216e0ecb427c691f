import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessenger, type Connect } from '../../widget/messenger.js';
import { createStorage } from '../../widget/storage.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { failoverProxy } from '../support/failover-proxy.js';
import { needPostgresAndRedis } from '../support/services.js';
import { connectVisitor } from '../support/visitor.js';

const ready = await needPostgresAndRedis('graceful shutdown tests');
let cluster: Cluster;
let proxy: Awaited<ReturnType<typeof failoverProxy>>;

beforeAll(async () => {
  if (!ready) return;
  cluster = await startCluster(2, { LOG_LEVEL: 'info', PARLEY_SHUTDOWN_TIMEOUT_SECONDS: '8' });
  proxy = await failoverProxy(cluster.nodes.map((n) => n.url));
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await cluster?.close();
});

const WIDGETS = 6;
const PER_WIDGET = 30;

/** Resolves when `pred` holds, checked whenever the messenger's state changes. */
function until(widget: ReturnType<typeof createMessenger>, pred: () => boolean, what: string, ms = 20_000) {
  return new Promise<void>((resolve, reject) => {
    const stops: (() => void)[] = [];
    const stopAll = () => queueMicrotask(() => stops.forEach((s) => s()));
    const timer = setTimeout(() => {
      stopAll();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const check = () => {
      if (!pred()) return;
      clearTimeout(timer);
      stopAll();
      resolve();
    };
    for (const state of [widget.items, widget.online, widget.contact]) stops.push(state.subscribe(check));
  });
}

describe.skipIf(!ready)('SIGTERM under traffic', () => {
  it('acks what it took, sends widgets elsewhere, and every message is stored once', async () => {
    const [a] = cluster.nodes;
    const reasons: string[] = [];
    // The real widget logic (offline queue, resend with the same clientId after a reconnect), in Node.
    const connect: Connect = (url, opts) => {
      const socket = io(url, { ...opts, reconnectionDelay: 100, reconnectionDelayMax: 500, forceNew: true }) as ReturnType<Connect>;
      socket.on('disconnect', (reason) => reasons.push(reason));
      return socket;
    };
    const storages = Array.from({ length: WIDGETS }, (_, i) => createStorage(`w${i}`, {}));
    const widgets = storages.map((storage) => createMessenger({ server: proxy.url, storage, connect, identity: () => ({}) }));
    await Promise.all(widgets.map((w) => until(w, () => w.online.value && w.contact.value !== null, 'the first session')));

    // A third of the messages go out and are acked; then SIGTERM, while the rest are being sent.
    const acked = (w: (typeof widgets)[number]) => w.items.value.filter((x) => x.status === 'sent').length;
    const sendRange = (from: number, to: number) => Promise.all(widgets.map(async (w, i) => {
      for (let k = from; k < to; k++) {
        w.send(`w${i} m${k}`);
        await new Promise((r) => setTimeout(r, 15));
      }
    }));
    const THIRD = PER_WIDGET / 3;
    await sendRange(0, THIRD);
    await Promise.all(widgets.map((w) => until(w, () => acked(w) >= THIRD, 'the first third acked')));
    const sigtermAt = Date.now();
    const stopped = a.stop();
    await sendRange(THIRD, PER_WIDGET);
    await stopped;
    const stopMs = Date.now() - sigtermAt;

    // Every widget ends with every message confirmed, through the second process.
    await Promise.all(widgets.map((w) => until(w, () => w.items.value.length === PER_WIDGET && w.items.value.every((x) => x.status === 'sent'), 'every message confirmed')));
    expect(a.child.exitCode).toBe(0);
    expect(stopMs).toBeLessThan(8_000);
    // Closed at the transport, which clients take as "reconnect", not "go away".
    expect(reasons.length).toBeGreaterThanOrEqual(WIDGETS);
    expect(reasons.filter((r) => r !== 'transport close')).toEqual([]);
    const log = a.output();
    expect(log).toContain('"msg":"stopped"');

    // What the store holds, read fresh from the surviving process: each message exactly once.
    for (const [i, w] of widgets.entries()) {
      const expected = Array.from({ length: PER_WIDGET }, (_, k) => `w${i} m${k}`);
      expect(w.items.value.map((x) => x.body)).toEqual(expected);
      const reader = await connectVisitor(cluster.nodes[1].url, { visitorToken: storages[i].get('token') ?? undefined });
      const history = await reader.history(null);
      reader.close();
      expect(history.ok && history.messages.map((m) => m.body).sort()).toEqual([...expected].sort());
    }
  }, 60_000);
});
