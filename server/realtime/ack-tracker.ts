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
 * answered, and must not hold a shutdown or grow this set.
 */
export function trackAcks(io: Server, namespaces: string[], observe?: AckObserver) {
  const pending = new Set<Promise<void>>();
  for (const name of namespaces) {
    const nsp: Namespace = io.of(name);
    nsp.on('connection', (socket) => {
      socket.use((packet, next) => {
        const last = packet.length - 1;
        const ack = packet[last];
        const event = String(packet[0]);
        if (last < 1 || typeof ack !== 'function' || socket.listenerCount(event) === 0) return next();
        const started = performance.now();
        let answered!: () => void;
        const done = new Promise<void>((resolve) => (answered = resolve));
        pending.add(done);
        let once = false;
        packet[last] = (answer: unknown) => {
          if (!once) {
            once = true;
            pending.delete(done);
            answered();
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
    async settle(ms: number, newcomers = true): Promise<boolean> {
      const deadline = Date.now() + ms;
      let waiting = [...pending];
      while (waiting.length > 0) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(waiting), new Promise((r) => (timer = setTimeout(r, left)))]);
        clearTimeout(timer);
        waiting = newcomers ? [...pending] : waiting.filter((p) => pending.has(p));
      }
      return true;
    },
  };
}

export type AckTracker = ReturnType<typeof trackAcks>;
