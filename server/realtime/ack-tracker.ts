import type { Namespace, Server } from 'socket.io';

/** How an acked event ended: 'ok', or the catalog code of the error it was answered with. */
export type AckOutcome = string;

/** Called once per acked event when its answer is sent (metrics observe it here). */
export type AckObserver = (namespace: string, event: string, outcome: AckOutcome, seconds: number) => void;

const outcomeOf = (answer: unknown): AckOutcome => {
  const a = answer as { ok?: boolean; error?: { code?: unknown } } | null;
  if (a?.ok === true) return 'ok';
  return typeof a?.error?.code === 'string' ? a.error.code : 'error';
};

/**
 * Counts socket events that expect an answer (an ack) until they get it, on the given
 * namespaces, so a shutdown can wait for sends to commit and be acknowledged before it
 * closes the connections. Only events with a handler are counted: an unknown event is never
 * answered, and must not hold a shutdown or grow this set. Per event this costs a number in
 * a set and a wrapped ack; nothing waits unless a shutdown does.
 */
export function trackAcks(io: Server, namespaces: string[], observe?: AckObserver) {
  // Ids in arrival order (a Set iterates in insertion order): the first is the oldest unanswered.
  const pending = new Set<number>();
  const waiters = new Set<() => void>();
  let seq = 0;
  for (const name of namespaces) {
    const nsp: Namespace = io.of(name);
    nsp.on('connection', (socket) => {
      socket.use((packet, next) => {
        const last = packet.length - 1;
        const ack = packet[last];
        const event = String(packet[0]);
        if (last < 1 || typeof ack !== 'function' || socket.listenerCount(event) === 0) return next();
        const id = ++seq;
        const started = performance.now();
        pending.add(id);
        packet[last] = (answer: unknown) => {
          if (pending.delete(id)) {
            for (const wake of waiters) wake();
            observe?.(name, event, outcomeOf(answer), (performance.now() - started) / 1000);
          }
          ack(answer);
        };
        next();
      });
    });
  }
  return {
    get inFlight() {
      return pending.size;
    },
    /**
     * Resolves once every event in flight now has been answered (with `newcomers`, those
     * arriving meanwhile too), or when `ms` have passed; true when none was left waiting.
     */
    settle(ms: number, newcomers = true): Promise<boolean> {
      const upTo = newcomers ? Number.POSITIVE_INFINITY : seq;
      const settled = () => {
        const oldest = pending.values().next().value;
        return oldest === undefined || oldest > upTo;
      };
      return new Promise((resolve) => {
        if (settled()) return resolve(true);
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(ok);
        };
        const check = () => settled() && finish(true);
        const timer = setTimeout(() => finish(false), Math.max(0, ms));
        waiters.add(check);
      });
    },
  };
}

export type AckTracker = ReturnType<typeof trackAcks>;
