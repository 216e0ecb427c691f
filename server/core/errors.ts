import { ERRORS, type ErrorBody, type ErrorCode } from '../../protocol/errors.js';

/** A domain error carrying a catalog code; the edges turn it into a 4xx or an error ack. */
export class ParleyError extends Error {
  constructor(readonly code: ErrorCode, message: string = ERRORS[code].message) {
    super(message);
    this.name = 'ParleyError';
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** Any thrown value as a catalog error body; unknown errors never leak their text. */
export function toErrorBody(err: unknown): ErrorBody {
  return err instanceof ParleyError ? err.toBody() : { code: 'internal_error', message: ERRORS.internal_error.message };
}
