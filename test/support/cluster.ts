import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { TestServer } from './server.js';
import { DATABASE_URL, REDIS_URL, needPostgresAndRedis } from './services.js';

const SERVER = new URL('../../dist/server.js', import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGKILL and waits for the exit. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface Cluster {
  apiKey: string;
  secret: string;
  schema: string;
  env: Record<string, string>;
  nodes: ServerProcess[];
  /** Starts one more process with the cluster's settings. */
  start(): Promise<ServerProcess>;
  close(): Promise<void>;
}

/** Starts `node dist/server.js` (built by `npm test`) and resolves once it printed its URL. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const exited = once(child, 'exit');
  return {
    url,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** N real server processes on PostgreSQL (a fresh schema) and Redis, sharing keys. */
export async function startCluster(n: number, extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const schema = `parley_cluster_${randomBytes(6).toString('hex')}`;
  const env = {
    DATABASE_URL,
    PARLEY_DB_SCHEMA: schema,
    REDIS_URL,
    PARLEY_API_KEY: `pk_test_${randomBytes(12).toString('hex')}`,
    PARLEY_SECRET: randomBytes(32).toString('hex'),
    // Tests send as fast as they can; a test that wants limits passes them.
    PARLEY_RATE_SEND_PER_CONNECTION: 'off',
    PARLEY_RATE_SEND_PER_CONTACT: 'off',
    PARLEY_RATE_SEND_PER_IP: 'off',
    PARLEY_RATE_LEADS_PER_IP: 'off',
    PARLEY_RATE_REST_PER_IP: 'off',
    ...extraEnv,
  };
  const nodes: ServerProcess[] = [];
  // The first process runs the migrations; the rest start together.
  nodes.push(await startServerProcess(env));
  nodes.push(...(await Promise.all(Array.from({ length: n - 1 }, () => startServerProcess(env)))));
  return {
    apiKey: env.PARLEY_API_KEY,
    secret: env.PARLEY_SECRET,
    schema,
    env,
    nodes,
    async start() {
      const node = await startServerProcess(env);
      nodes.push(node);
      return node;
    },
    async close() {
      await Promise.all(nodes.map((node) => node.stop()));
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/**
 * A cluster of `n` processes for the calling test file (started before its tests, closed after
 * them), or `ready: false` when PostgreSQL or Redis is missing (skip the suite then).
 */
export async function clusterPerFile(suite: string, n: number, env: Record<string, string> = {}) {
  const ctx = { ready: await needPostgresAndRedis(suite), cluster: undefined as unknown as Cluster, api: (i: number) => ({ url: ctx.cluster.nodes[i].url, apiKey: ctx.cluster.apiKey }) as TestServer };
  beforeAll(async () => {
    if (ctx.ready) ctx.cluster = await startCluster(n, env);
  }, 60_000);
  afterAll(async () => {
    await ctx.cluster?.close();
  });
  return ctx;
}
