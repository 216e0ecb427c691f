export { parse as parsePayload } from '../validation.js';
import type { Ack, AckFn } from '../../protocol/types.js';
import { ParleyError, toErrorBody } from '../core/errors.js';
import type { Logger } from 'pino';

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
        if (!(err instanceof ParleyError)) logger.error({ err, event }, 'socket handler failed');
        reply({ ok: false, error: toErrorBody(err) });
      },
    );
  };
}

/** Refuses a connection with a catalog error the client reads from `connect_error`. */
export function refuse(code: ParleyError['code'], message?: string): Error & { data: unknown } {
  const err = new ParleyError(code, message);
  return Object.assign(new Error(err.message), { data: err.toBody() });
}
