import type { Server } from 'socket.io';

/** How an acked event ended: 'ok', or the catalog code of the error it was answered with. */
export type AckOutcome = string;

/** Called once per acked event when its answer is sent (metrics observe it here). */
export type AckObserver = (namespace: string, event: string, outcome: AckOutcome, seconds: number) => void;

/**
 * Counts socket events that expect an answer (an ack) until they get it, so a shutdown can
 * wait for sends to commit and be acknowledged before it closes the connections. The
 * handlers' wrapper (`acked` in socket-validation.ts) reports each event it runs, so only
 * events with a handler are counted (an unknown event is never answered and must not hold a
 * shutdown). Nothing is added per connection: no middleware, no closure, no wrapped ack;
 * per event, a number in a set.
 */
export class AckTracker {
  // Ids in arrival order (a Set iterates in insertion order): the first is the oldest unanswered.
  private readonly pending = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  constructor(private readonly observe?: AckObserver) {}

  /** An acked event arrived at its handler; returns its id for `answered`. */
  received(): number {
    const id = ++this.seq;
    this.pending.add(id);
    return id;
  }

  /** Its answer was sent, `startedAt` (performance.now()) after it arrived. */
  answered(id: number, namespace: string, event: string, outcome: AckOutcome, startedAt: number) {
    if (!this.pending.delete(id)) return;
    for (const wake of this.waiters) wake();
    this.observe?.(namespace, event, outcome, (performance.now() - startedAt) / 1000);
  }

  get inFlight() {
    return this.pending.size;
  }

  /**
   * Resolves once every event in flight now has been answered (with `newcomers`, those
   * arriving meanwhile too), or when `ms` have passed; true when none was left waiting.
   */
  settle(ms: number, newcomers = true): Promise<boolean> {
    const upTo = newcomers ? Number.POSITIVE_INFINITY : this.seq;
    const settled = () => {
      const oldest = this.pending.values().next().value;
      return oldest === undefined || oldest > upTo;
    };
    return new Promise((resolve) => {
      if (settled()) return resolve(true);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = () => settled() && finish(true);
      const timer = setTimeout(() => finish(false), Math.max(0, ms));
      this.waiters.add(check);
    });
  }
}

// The tracker of each socket.io server, for the handlers' wrapper to find from a socket.
const trackers = new WeakMap<Server, AckTracker>();

/** Starts counting the acked events of every namespace of `io`. */
export function trackAcks(io: Server, observe?: AckObserver): AckTracker {
  const tracker = new AckTracker(observe);
  trackers.set(io, tracker);
  return tracker;
}

/** The tracker counting this server's acked events, if any. */
export const ackTrackerOf = (io: Server): AckTracker | undefined => trackers.get(io);
