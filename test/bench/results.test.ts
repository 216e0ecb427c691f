import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
// Plain .mjs bench modules, loaded at run time (they are not part of the typed build).
const report = (await import(join(root, 'bench/report.mjs') as string)) as {
  loadRuns(dir: string): { file: string; run: Record<string, unknown> }[];
  render(runs: unknown[]): { markdown: string; svg: string | null };
};

describe('bench/RESULTS.md', () => {
  const runs = report.loadRuns(join(root, 'bench/results'));

  it('is read from committed runs that are valid JSON, named by date, with the machine recorded', () => {
    expect(runs.length).toBeGreaterThan(0);
    for (const { file, run } of runs) {
      expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T\d{4}-[\w-]+\.json$/);
      expect(run.startedAt, file).toEqual(expect.any(String));
      expect(run.machine, file).toMatchObject({ nproc: expect.any(Number), cpu: expect.any(String) });
    }
  });

  it('holds exactly what bench/report.mjs generates from them (no hand-written figures)', () => {
    const { markdown, svg } = report.render(runs);
    expect(readFileSync(join(root, 'bench/RESULTS.md'), 'utf8')).toBe(markdown);
    if (svg) expect(readFileSync(join(root, 'bench/latency.svg'), 'utf8')).toBe(svg);
  });
});
