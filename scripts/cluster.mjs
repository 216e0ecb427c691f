// `npm run start:cluster`: N Parley processes on one machine, sharing PostgreSQL and Redis.
// Each listens on its own port (PORT, PORT+1, …); put a load balancer in front (docs/SCALING.md).
import { spawn } from 'node:child_process';
import { nodeFlags } from './node-flags.mjs';

const n = Number(process.env.PARLEY_PROCESSES ?? 2);
const basePort = Number(process.env.PORT ?? 3000);
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};
if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
  console.error('start:cluster needs DATABASE_URL=postgres://… (several processes cannot share one SQLite file safely).');
  process.exit(1);
}
if (!env.PARLEY_API_KEY || !env.PARLEY_SECRET) {
  console.error('start:cluster needs PARLEY_API_KEY and PARLEY_SECRET set: every process must share them.');
  process.exit(1);
}

const children = [];
const startOne = (i) => {
  const child = spawn(process.execPath, [...nodeFlags, new URL('../dist/server.js', import.meta.url).pathname], {
    env: { ...env, PORT: String(basePort + i) },
    stdio: 'inherit',
  });
  children.push(child);
  return new Promise((resolve) => child.once('spawn', resolve));
};
// The first process runs migrations before the others start.
await startOne(0);
await new Promise((r) => setTimeout(r, 1500));
for (let i = 1; i < n; i++) await startOne(i);

const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
