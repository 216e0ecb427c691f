import net from 'node:net';

export const DATABASE_URL = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL!
  : 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether the PostgreSQL + Redis suites can run. Locally a missing service skips them with
 * a loud warning; under CI=true it is an error, so CI never passes by skipping.
 */
export async function needPostgresAndRedis(suite: string): Promise<boolean> {
  const missing: string[] = [];
  if (!(await reachable(DATABASE_URL, 5432))) missing.push(`PostgreSQL at ${new URL(DATABASE_URL).host}`);
  if (!(await reachable(REDIS_URL, 6379))) missing.push(`Redis at ${new URL(REDIS_URL).host}`);
  if (missing.length === 0) return true;
  const message = `${suite}: ${missing.join(' and ')} unreachable (set DATABASE_URL / REDIS_URL)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires them`);
  console.warn(`\n!!! SKIPPING ${message}\n`);
  return false;
}
