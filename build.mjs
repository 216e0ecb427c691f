// Builds the server (Node bundle), the widget and the console (browser bundles), writes
// esbuild metafiles and prints raw/gzip/brotli sizes per browser output.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import { sizes } from './scripts/sizes.mjs';
import { nodeFlags } from './scripts/node-flags.mjs';
import { join, relative } from 'node:path';

const root = new URL('.', import.meta.url).pathname;
const out = join(root, 'dist');
const publicDir = join(out, 'public');
const quiet = process.argv.includes('--quiet');

rmSync(out, { recursive: true, force: true });
mkdirSync(publicDir, { recursive: true });

const browser = {
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
};

const builds = [
  // Server: one Node bundle with its dependencies inside, so a start reads one file instead of
  // resolving and compiling hundreds of modules (cold start: bench/RESULTS.md). Kept outside:
  // native addons, drivers loaded only on demand, and pino, whose transports run in worker
  // threads that resolve modules by name.
  esbuild.build({
    entryPoints: { server: join(root, 'server/main.ts') },
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pg', 'pg-native', 'redis', '@redis/*', 'pino', 'pino-pretty', 'thread-stream'],
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
    sourcemap: true,
    metafile: true,
  }),
];

// Browser targets register themselves here (see widget/build-target.mjs, console/build-target.mjs).
for (const file of ['widget/build-target.mjs', 'console/build-target.mjs']) {
  if (!existsSync(join(root, file))) continue;
  const { target } = await import(join(root, file));
  builds.push(target({ esbuild, browser, root, publicDir, cpSync }));
}

const results = await Promise.all(builds);
const report = {};
for (const r of results) {
  if (!r?.metafile) continue;
  for (const [file] of Object.entries(r.metafile.outputs)) {
    if (!file.startsWith(relative(root, publicDir)) || !file.endsWith('.js')) continue;
    report[relative(publicDir, join(root, file))] = sizes(readFileSync(join(root, file)));
  }
}
// The bin runs with Parley's V8 flags too (`env -S` splits them off the shebang line).
const serverJs = join(out, 'server.js');
writeFileSync(serverJs, readFileSync(serverJs, 'utf8').replace(/^#!.*\n/, `#!/usr/bin/env -S node ${nodeFlags.join(' ')}\n`));
writeFileSync(join(out, 'meta.json'), JSON.stringify(results.map((r) => r?.metafile ?? null)));
writeFileSync(join(out, 'sizes.json'), JSON.stringify(report, null, 2));
if (!quiet && Object.keys(report).length) {
  console.log('output'.padEnd(36), 'raw'.padStart(9), 'gzip'.padStart(9), 'brotli'.padStart(9));
  for (const [f, s] of Object.entries(report)) {
    console.log(f.padEnd(36), String(s.raw).padStart(9), String(s.gzip).padStart(9), String(s.brotli).padStart(9));
  }
}
