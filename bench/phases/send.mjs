// message:send against one server configuration: its own capacity (closed loop), then open
// loop at 25, 50, 75 and 90 % of that capacity (latency against throughput), with the CPU
// time its processes spend per acked message in each window.
import { LOAD_CLIENT, runScript } from '../lib/procs.mjs';
import { loadWithCpu, cpuPerOp } from '../lib/measure.mjs';

export const LEVELS = [25, 50, 75, 90];

/**
 * `urls`: the servers the clients spread over; `groups`: the CPU groups to read (PIDs, e.g.
 * `{ server: [pid], postgres: [...] }`), or an async function answering them before each
 * run (PostgreSQL backends come and go with the pools); `ctx`: the run's settings.
 */
export async function sendSweep(ctx, name, urls, groups) {
  const load = async (extra) => loadWithCpu(runScript, LOAD_CLIENT, {
    urls, clients: ctx.clients, inflight: ctx.inflight, mode: 'send', warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, ...extra,
  }, typeof groups === 'function' ? await groups() : groups, { cpus: ctx.cpus.client });
  const withCpu = (r) => ({ ...r, cpuUsPerMessage: cpuPerOp(r.cpuSec, (r.sendsPerSec * r.durationMs) / 1000) });

  ctx.log(name, 'capacity (closed loop)');
  const capacity = withCpu(await load({}));
  const levels = [];
  for (const pct of ctx.levels ?? LEVELS) {
    const rate = Math.max(1, Math.round((capacity.sendsPerSec * pct) / 100));
    ctx.log(name, `${pct} % of its capacity (${rate}/s open loop)`);
    levels.push({ pct, ...withCpu(await load({ rate })) });
  }
  return { capacity, levels };
}
