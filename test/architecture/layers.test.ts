import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Reads the import graph of the source tree and checks that dependencies point down:
// transports → core → store, protocol at the bottom, and the two transports apart.
const ROOT = resolve(import.meta.dirname, '../..');

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;

function edges(): Edge[] {
  const all: Edge[] = [];
  for (const file of ['server', 'protocol', 'widget', 'console'].flatMap(files)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      // `import { type A, type B }` is type-only too.
      const names = m[3] ?? '';
      const allTypes = /^\{[^}]*\}\s+from\s+$/.test(names.trim() + ' ') && names.replace(/[{}]/g, '').split(',').filter((n) => n.trim()).every((n) => /^\s*type\s/.test(n));
      const to = relative(ROOT, resolve(ROOT, dirname(file), m[4])).replace(/\.js$/, '.ts');
      all.push({ from: file, to, typeOnly: !!m[2] || allTypes });
    }
  }
  return all;
}

const graph = edges();
const under = (path: string, dir: string) => path.startsWith(`${dir}/`);
const violations = (pred: (e: Edge) => boolean) => graph.filter(pred).map((e) => `${e.from} → ${e.to}${e.typeOnly ? ' (type)' : ''}`);

describe('layers', () => {
  it('reads a real import graph', () => {
    expect(graph.length).toBeGreaterThan(200);
    expect(graph.some((e) => e.from === 'server/app.ts' && e.to === 'server/core/core.ts')).toBe(true);
  });

  it('protocol/ depends on nothing of ours outside protocol/', () => {
    expect(violations((e) => under(e.from, 'protocol') && !under(e.to, 'protocol'))).toEqual([]);
  });

  it('the store imports nothing from the core but types', () => {
    expect(violations((e) => under(e.from, 'server/store') && under(e.to, 'server/core') && !e.typeOnly)).toEqual([]);
  });

  it('the store knows nothing of metrics: it reports to the observer it is given', () => {
    expect(violations((e) => under(e.from, 'server/store') && under(e.to, 'server/metrics'))).toEqual([]);
  });

  it('the core knows no transport, worker or configuration source', () => {
    const above = ['server/http', 'server/realtime', 'server/webhooks', 'server/guard', 'server/auth', 'server/presenters'];
    const files = ['server/app.ts', 'server/main.ts', 'server/config.ts', 'server/console.ts'];
    expect(violations((e) => under(e.from, 'server/core') && (above.some((d) => under(e.to, d)) || files.includes(e.to)))).toEqual([]);
  });

  it('http/ and realtime/ do not import each other', () => {
    expect(violations((e) => (under(e.from, 'server/http') && under(e.to, 'server/realtime')) || (under(e.from, 'server/realtime') && under(e.to, 'server/http')))).toEqual([]);
  });

  it('transports and workers reach storage only through the core (types aside)', () => {
    const edgeDirs = ['server/http', 'server/realtime', 'server/webhooks', 'server/auth', 'server/presenters'];
    expect(violations((e) => edgeDirs.some((d) => under(e.from, d)) && under(e.to, 'server/store') && !e.typeOnly)).toEqual([]);
  });

  it('environment variables are read in server/config.ts alone', () => {
    const readers = files('server').filter((f) => f !== 'server/config.ts' && /process\.env\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(readers).toEqual([]);
  });

  it('the widget and the console import no server code, and the widget no runtime schemas', () => {
    expect(violations((e) => (under(e.from, 'widget') || under(e.from, 'console')) && under(e.to, 'server'))).toEqual([]);
    expect(violations((e) => under(e.from, 'widget') && under(e.to, 'protocol/schemas') && !e.typeOnly)).toEqual([]);
  });
});
