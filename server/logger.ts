import pino, { type Logger } from 'pino';

/** Structured JSON logs (pino). Tests pass level 'silent'. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'parley' } });
}
