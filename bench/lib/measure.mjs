// A load run with the servers' CPU time read at the load client's window marks.
import { cpuMeter } from './cpu.mjs';

/**
 * Runs `script` with `config` (pinned to `cpus`), reading the CPU time of each group of
 * PIDs in `groups` when the measured window opens and closes. Adds `cpuSec` per group.
 */
export async function loadWithCpu(runScript, script, config, groups, { cpus } = {}) {
  const meter = cpuMeter(groups);
  let start = null;
  let cpuSec = null;
  const result = await runScript(script, config, {
    cpus,
    onMark(name) {
      if (name === 'window-start') start = meter.mark();
      else if (name === 'window-end' && start) cpuSec = meter.since(start);
    },
  });
  return { ...result, cpuSec };
}

/** Microseconds of CPU per operation, per group and in total, over `ops` operations. */
export function cpuPerOp(cpuSec, ops) {
  if (!cpuSec || !ops) return null;
  const us = (s) => Math.round((s * 1e6) / ops * 10) / 10;
  const out = Object.fromEntries(Object.entries(cpuSec).map(([k, s]) => [k, us(s)]));
  out.total = us(Object.values(cpuSec).reduce((a, b) => a + b, 0));
  return out;
}
