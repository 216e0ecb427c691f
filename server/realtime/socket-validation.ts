export { parse as parsePayload } from '../validation.js';
import type { Ack, AckFn } from '../../protocol/types.js';
import { ParleyError, toErrorBody } from '../core/errors.js';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';

/**
 * Wraps an acked socket handler: whatever the client sends (missing ack, wrong types,
 * thrown errors), the process stays up and the client gets a catalog error ack.
 */
export function acked<T extends object>(logger: Logger, event: string, run: (payload: unknown) => Promise<T>) {
  return (payload: unknown, ack?: unknown) => {
    const reply: AckFn<T> = typeof ack === 'function' ? (ack as AckFn<T>) : () => {};
    run(payload).then(
      (data) => reply({ ok: true, ...data } as Ack<T>),
      (err) => {
        if (err instanceof ParleyError) return reply({ ok: false, error: toErrorBody(err) });
        // An unexpected failure gets an id, logged and answered, so a report can be matched to the log.
        const reqId = randomUUID();
        logger.error({ err, event, reqId }, 'socket handler failed');
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
