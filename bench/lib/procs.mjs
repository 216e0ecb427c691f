// Starting and stopping the processes a bench run needs: Parley (dist/server.js), the bare
// socket.io baseline, load clients. Loopback only; every wait is bounded.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { nodeFlags } from '../../scripts/node-flags.mjs';

const root = new URL('../../', import.meta.url).pathname;
export const PARLEY = `${root}dist/server.js`;
export const BASELINE = `${root}bench/baseline-server.mjs`;
export const LOAD_CLIENT = `${root}bench/load-client.mjs`;
export const BLOCK_PROBE = `${root}bench/block-probe.mjs`;
export const CHURN_CLIENT = `${root}bench/churn-client.mjs`;
const LOOP_PROBE = `${root}bench/lib/loop-probe.mjs`;

/**
 * The V8 flags Parley ships with (package.json `config.nodeFlags`). Every server the bench
 * starts runs with them, bare socket.io too, so a ratio compares code and not V8 settings;
 * so does the store-alone bench, which stands for Parley's process.
 */
export const SERVER_FLAGS = nodeFlags;

/**
 * The command line for a node script: pinned to `cpus` (taskset) when given, with the open
 * file limit raised to `nofile` when given (thousands of sockets need more than 1024).
 */
function command(args, { cpus, nofile } = {}) {
  let argv = [process.execPath, ...args];
  if (cpus != null) argv = ['taskset', '-c', String(cpus), ...argv];
  // Where the hard limit is lower and may not be raised (no CAP_SYS_RESOURCE), up to it.
  if (nofile) argv = ['sh', '-c', `ulimit -n ${Number(nofile)} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, ...argv];
  return [argv[0], argv.slice(1)];
}

export const NO_LIMITS = {
  PARLEY_RATE_SEND_PER_CONNECTION: 'off',
  PARLEY_RATE_SEND_PER_CONTACT: 'off',
  PARLEY_RATE_SEND_PER_IP: 'off',
  PARLEY_RATE_LEADS_PER_IP: 'off',
  PARLEY_RATE_REST_PER_IP: 'off',
  // Every load client connects from 127.0.0.1: the per-address socket cap would refuse them.
  PARLEY_MAX_SOCKETS_PER_IP: '1000000',
  // Page-view churn and five-tab probes open several sockets per visitor at once.
  PARLEY_MAX_SOCKETS_PER_CONTACT: '1000',
};

/** Spawns a server script and resolves with its URL once it prints "running at …". */
export async function startServer(script, env = {}, { nodeArgs = [], timeoutMs = 20_000, cpus, nofile, loopProbe = false } = {}) {
  const [cmd, argv] = command([...SERVER_FLAGS, ...nodeArgs, ...(loopProbe ? ['--import', LOOP_PROBE] : []), script], { cpus, nofile });
  const child = spawn(cmd, argv, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${script} did not start:\n${output}`)); }, timeoutMs);
    child.stdout.on('data', (c) => {
      output += c;
      const m = /running at (http:\/\/[^\s]+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.stderr.on('data', (c) => (output += c));
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited with ${code}:\n${output}`)); });
  });
  const exited = once(child, 'exit');
  return {
    url,
    pid: child.pid,
    child,
    /** Event-loop delay since the previous call (needs `loopProbe`). */
    async loopDelay() {
      const from = output.length;
      child.kill('SIGUSR2');
      for (let i = 0; i < 500; i++) {
        const m = /bench-loop (\{.*\})\n/.exec(output.slice(from));
        if (m) return JSON.parse(m[1]);
        await sleep(10);
      }
      throw new Error(`${script} did not report its event-loop delay`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        process.stderr.write(`[bench] ${script} did not exit on SIGTERM; killing it\n`);
        child.kill('SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs a one-shot bench script (load client, block probe) and parses its last JSON line;
 * `onMark(name)` hears each `{"mark":…}` line it prints on the way (a measuring window opening).
 */
export function runScript(script, config, { timeoutMs = 120_000, cpus, nofile, onMark, nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = command([...nodeArgs, script, JSON.stringify(config)], { cpus, nofile });
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let seen = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c) => {
      out += c;
      const lines = out.split('\n');
      for (; seen < lines.length - 1; seen++) {
        const m = /^\{"mark":"([\w-]+)"\}$/.exec(lines[seen]);
        if (m) onMark?.(m[1]);
      }
    });
    child.stderr.on('data', (c) => (err += c));
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) return reject(new Error(`${script} exited with ${code}:\n${err}${out}`));
      resolve(JSON.parse(line));
    });
  });
}

/** Starts a load client holding `clients` idle connections; resolves once all are open. */
export function holdIdle(urls, clients, { cpus, nofile, maxLifeMs = 120_000 } = {}) {
  const [cmd, argv] = command([LOAD_CLIENT, JSON.stringify({ urls, clients, mode: 'idle', maxLifeMs })], { cpus, nofile });
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const exited = once(child, 'exit');
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`idle client exited with ${code}:\n${err}`)));
  });
  return {
    ready,
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The open-file limit a child may raise itself to (the hard limit, unless privileged). */
export function maxOpenFiles() {
  return Number(execFileSync('sh', ['-c', 'ulimit -n 1048576 2>/dev/null; ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
}

/** Resident set size of a process, in bytes (Linux). */
export function rss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : null;
}

/** A port nothing listens on right now (for the cold-start probe, which must poll from spawn). */
export async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
