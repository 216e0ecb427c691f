// What the machine was and what else ran on it, recorded in every run's JSON.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function machine() {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch { /* not Linux */ }
  return { nproc: os.availableParallelism(), cpu: model.trim(), memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10, node: process.version, platform: `${os.platform()} ${os.release()}` };
}

/** Load average and the busiest other processes right now (command names, CPU %). */
export function activity() {
  let busiest = [];
  try {
    const out = execFileSync('ps', ['-eo', 'pcpu=,comm=', '--sort=-pcpu'], { encoding: 'utf8' });
    busiest = out.trim().split('\n').slice(0, 8).map((l) => l.trim().split(/\s+/)).map(([cpu, ...cmd]) => ({ cpu: Number(cpu), command: cmd.join(' ') }));
  } catch { /* no ps */ }
  return { at: new Date().toISOString(), loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100), busiest };
}
