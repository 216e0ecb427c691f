import pino, { type DestinationStream, type Logger } from 'pino';

/** `json`: one JSON object a line (production, log shippers); `pretty`: readable lines for development. */
export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

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

/**
 * The server's logger in the configured format. `pretty` formats in pino-pretty's worker
 * thread (a pino transport), so even development logging keeps the event loop free;
 * redaction happens before, in this thread, as for JSON.
 */
export function createConfiguredLogger(config: { logLevel: string; logFormat: LogFormat }): Logger {
  if (config.logFormat === 'json') return createLogger(config.logLevel);
  let pretty: DestinationStream;
  try {
    pretty = pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } });
  } catch (err) {
    // A production install (npm install --omit=dev) has no pino-pretty.
    if (!/unable to determine transport target/.test((err as Error).message)) throw err;
    throw new Error('LOG_FORMAT=pretty needs the pino-pretty package (a development dependency); install it or use LOG_FORMAT=json');
  }
  return createLogger(config.logLevel, pretty);
}
