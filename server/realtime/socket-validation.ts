export { parse as parsePayload } from '../validation.js';
import type { Ack, AckFn } from '../../protocol/types.js';
import { ParleyError, toErrorBody } from '../core/errors.js';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import { ackTrackerOf, type AckOutcome } from './ack-tracker.js';

const outcomeOf = (answer: { ok: boolean; error?: { code?: unknown } }): AckOutcome =>
  answer.ok ? 'ok' : typeof answer.error?.code === 'string' ? answer.error.code : 'error';

/**
 * Wraps an acked socket handler: whatever the client sends (missing ack, wrong types,
 * thrown errors), the process stays up and the client gets a catalog error ack. The event is
 * counted by the server's ack tracker until answered (shutdown waits for it; metrics time it).
 * The socket is the listener's `this` (socket.io calls listeners on the socket).
 */
export function acked<T extends object>(logger: Logger, event: string, run: (payload: unknown) => Promise<T>) {
  return function handle(this: Socket, payload: unknown, ack?: unknown) {
    // An event without an ack still runs (and logs a failure), but no answer is awaited.
    const tracker = typeof ack === 'function' ? ackTrackerOf(this.nsp.server) : undefined;
    const id = tracker?.received() ?? 0;
    const startedAt = tracker ? performance.now() : 0;
    const nsp = this.nsp.name;
    const reply = (answer: Ack<T>) => {
      if (typeof ack !== 'function') return;
      tracker?.answered(id, nsp, event, outcomeOf(answer), startedAt);
      (ack as AckFn<T>)(answer);
    };
    run(payload).then(
      (data) => reply({ ok: true, ...data } as Ack<T>),
      (err) => {
        if (err instanceof ParleyError) return reply({ ok: false, error: toErrorBody(err) });
        // An unexpected failure gets an id, logged and answered, so a report can be matched to the log.
        const reqId = randomUUID();
        logger.error({ err, namespace: nsp, event, reqId }, 'socket handler failed');
        const body = toErrorBody(err);
        reply({ ok: false, error: { ...body, message: `${body.message} (request ${reqId})` } });
      },
    );
  };
}

/** Refuses a connection with a catalog error the client reads from `connect_error`. */
export function refuse(code: ParleyError['code'], message?: string): Error & { data: unknown } {
  const err = new ParleyError(code, message);
  return Object.assign(new Error(err.message), { data: err.toBody() });
}
