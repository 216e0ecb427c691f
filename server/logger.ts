import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Where secrets could appear in what is logged (request headers, credentials in an object
 * passed along with an error): pino writes `[Redacted]` there instead.
 */
export const REDACT_PATHS = [
  'authorization', 'cookie', 'password', 'passwordHash', 'apiKey', 'secret', 'token', 'visitorToken', 'userHash',
  '*.authorization', '*.cookie', '*.password', '*.passwordHash', '*.apiKey', '*.secret', '*.token', '*.visitorToken', '*.userHash',
  'headers.authorization', 'headers.cookie', 'headers["set-cookie"]',
  '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]',
  'config.databaseUrl', 'config.redisUrl', 'config.keys',
];

/** Structured JSON logs (pino) with secrets redacted. Tests pass level 'silent'. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'parley' }, redact: { paths: REDACT_PATHS } }, destination);
}
