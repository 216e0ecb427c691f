// The size budget is part of `npm test` (which runs `node build.mjs` first).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const sizesFile = join(root, 'dist/sizes.json');
const metaFile = join(root, 'dist/meta.json');
/** What loads before the visitor opens the panel (loader + app chunk), brotli. */
const WIDGET_BROTLI_BUDGET = 30 * 1000;
/** Each lazy chunk (only some visitors load it: email prompt, past conversations…), brotli. */
const LAZY_CHUNK_BROTLI_BUDGET = 8 * 1000;
/** The snippet a site pastes. */
const SNIPPET_BUDGET = 600;

function widgetFiles(): [string, { raw: number; gzip: number; brotli: number }][] {
  const sizes = JSON.parse(readFileSync(sizesFile, 'utf8')) as Record<string, { raw: number; gzip: number; brotli: number }>;
  return Object.entries(sizes).filter(([f]) => f === 'widget.js' || f.startsWith('widget-'));
}

/**
 * What loads before the visitor opens the panel: widget.js, the app chunk and the chunks it
 * imports statically (esbuild's metafile says which); everything else is a lazy chunk.
 */
function firstLoad(): Set<string> {
  type Output = { imports: { path: string; kind: string }[]; entryPoint?: string };
  const outputs: Record<string, Output> = Object.assign({}, ...(JSON.parse(readFileSync(metaFile, 'utf8')) as ({ outputs: Record<string, Output> } | null)[]).map((m) => m?.outputs ?? {}));
  const name = (path: string) => path.split('/').pop()!;
  const files = new Set(['widget.js']);
  const visit = (path: string) => {
    if (files.has(name(path))) return;
    files.add(name(path));
    for (const i of outputs[path].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  for (const [path, o] of Object.entries(outputs)) if (o.entryPoint === 'widget/app.tsx') visit(path);
  return files;
}

/** The first ```html block after a "## Install" heading in docs/WIDGET.md. */
function docsSnippet(): string {
  const md = readFileSync(join(root, 'docs/WIDGET.md'), 'utf8');
  const m = md.match(/## Install[^]*?```html\n([^]*?)```/);
  if (!m) throw new Error('docs/WIDGET.md has no ```html snippet under "## Install"');
  return m[1];
}

describe('widget size budget', () => {
  it('dist/sizes.json exists (run node build.mjs)', () => {
    expect(existsSync(sizesFile), 'dist/sizes.json is missing: npm test builds it; run `node build.mjs` first').toBe(true);
  });

  it('reports every widget chunk', () => {
    const first = firstLoad();
    const rows = widgetFiles().map(([f, s]) => `  ${f.padEnd(34)} ${String(s.raw).padStart(7)} ${String(s.gzip).padStart(7)} ${String(s.brotli).padStart(7)}  ${first.has(f) ? 'before opening' : 'lazy'}`);
    console.info(`widget chunks (raw, gzip, brotli bytes):\n${rows.join('\n')}`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it(`the loader and the app chunk (before the visitor opens it) are at most ${WIDGET_BROTLI_BUDGET} bytes brotli`, () => {
    const first = firstLoad();
    const files = widgetFiles().filter(([f]) => first.has(f));
    expect(files.map(([f]) => f)).toContain('widget.js');
    expect(files.some(([f]) => f.startsWith('widget-app-'))).toBe(true);
    const total = files.reduce((n, [, s]) => n + s.brotli, 0);
    expect(total, `widget brotli total ${total} B: ${files.map(([f, s]) => `${f} ${s.brotli}`).join(', ')}`).toBeLessThanOrEqual(WIDGET_BROTLI_BUDGET);
  });

  it(`each lazy chunk is at most ${LAZY_CHUNK_BROTLI_BUDGET} bytes brotli`, () => {
    const first = firstLoad();
    for (const [f, s] of widgetFiles().filter(([f]) => !first.has(f))) expect(s.brotli, f).toBeLessThanOrEqual(LAZY_CHUNK_BROTLI_BUDGET);
  });

  it('the loader (first paint) stays tiny', () => {
    const loader = widgetFiles().find(([f]) => f === 'widget.js')![1];
    expect(loader.brotli).toBeLessThanOrEqual(4000);
  });

  it(`the install snippet in docs/WIDGET.md is at most ${SNIPPET_BUDGET} bytes`, () => {
    const snippet = docsSnippet();
    expect(snippet).toContain("Parley('boot'");
    expect(snippet).toContain('/widget.js');
    expect(Buffer.byteLength(snippet)).toBeLessThanOrEqual(SNIPPET_BUDGET);
  });

  it(`the demo page's snippet (demo.js + script tag) is at most ${SNIPPET_BUDGET} bytes`, () => {
    const js = readFileSync(join(root, 'widget/demo/demo.js'), 'utf8').replace(/^\/\/.*\n/gm, '');
    const html = readFileSync(join(root, 'widget/demo/index.html'), 'utf8');
    const tag = html.match(/<script async src="\/widget.js"><\/script>/)?.[0];
    expect(tag).toBeTruthy();
    expect(Buffer.byteLength(js + tag)).toBeLessThanOrEqual(SNIPPET_BUDGET);
  });
});
