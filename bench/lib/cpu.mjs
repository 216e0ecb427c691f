// CPU time of the processes a phase runs on: each server process, and the PostgreSQL
// backends and Redis server that serve it. Read from /proc (Linux), so a busy machine
// changes how long a phase takes but hardly what each message costs.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import pg from 'pg';

const TICKS = 100; // USER_HZ: /proc counts CPU time in 1/100 s on every Linux we run on

/** utime + stime of a process, in seconds (null once it is gone). */
export function cpuSeconds(pid) {
  try {
    // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return null;
  }
}

/** Local TCP ports of a process's sockets (to find the PostgreSQL backends it talks to). */
function localPorts(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  const ports = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9])) ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** PIDs of the PostgreSQL backends serving these server processes' pool connections. */
export async function pgBackends(url, serverPids) {
  const ports = new Set(serverPids.flatMap((pid) => [...localPorts(pid)]));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL');
    return rows.filter((r) => ports.has(r.client_port)).map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** The Redis server's PID (from INFO; the server is shared, so its CPU is everyone's). */
export function redisPid(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) }, () => socket.write('INFO server\r\n'));
    let out = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('redis INFO timed out')));
    socket.on('data', (c) => {
      out += c;
      const m = /process_id:(\d+)/.exec(out);
      if (m) { socket.end(); resolve(Number(m[1])); }
    });
    socket.on('error', reject);
  });
}

/**
 * A CPU meter over named groups of PIDs: `mark()` reads them all, `since(mark)` answers the
 * seconds each group used in between.
 */
export function cpuMeter(groups) {
  const read = () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids.map((pid) => [pid, cpuSeconds(pid)])]));
  return {
    mark: read,
    since(start) {
      const now = read();
      return Object.fromEntries(Object.entries(now).map(([name, list]) => {
        const before = new Map(start[name]);
        const sec = list.reduce((sum, [pid, s]) => sum + (s != null && before.get(pid) != null ? s - before.get(pid) : 0), 0);
        return [name, Math.round(sec * 100) / 100];
      }));
    },
  };
}
