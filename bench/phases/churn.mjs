// Page-view churn against one server: page views/s at saturation (closed loop), then the
// time to `session` at 50 % of that server's own capacity (open loop), with CPU per view.
import { CHURN_CLIENT, runScript } from '../lib/procs.mjs';
import { loadWithCpu, cpuPerOp } from '../lib/measure.mjs';

export async function churn(ctx, name, urls, groups) {
  const run = (extra) => loadWithCpu(runScript, CHURN_CLIENT, {
    urls, visitors: ctx.churnVisitors, lanes: ctx.churnLanes, warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, ...extra,
  }, groups, { cpus: ctx.cpus.client });
  const withCpu = (r) => ({ ...r, cpuUsPerPageView: cpuPerOp(r.cpuSec, (r.pageViewsPerSec * r.durationMs) / 1000) });
  ctx.log(name, 'page-view churn, saturation');
  const saturation = withCpu(await run({}));
  const rate = Math.max(1, Math.round(saturation.pageViewsPerSec / 2));
  ctx.log(name, `page-view churn, 50 % of its capacity (${rate}/s)`);
  const half = withCpu(await run({ rate }));
  return { saturation, half };
}
