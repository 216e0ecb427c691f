// Builds the server bundle with some files taken from another git revision, for an A/B run:
//   node bench/build-variant.mjs bench/.snapshot/before.js ab56a91^ server/store/sqlite/sqlite-store.ts
//   node bench/run.mjs --server=bench/.snapshot/before.js
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const [outfile, rev, ...files] = process.argv.slice(2);
if (!outfile || !rev || files.length === 0) throw new Error('usage: build-variant.mjs <outfile> <git-rev> <file>...');
const swapped = new Map(files.map((f) => [join(root, f), execFileSync('git', ['show', `${rev}:${f}`], { cwd: root, encoding: 'utf8' })]));

await esbuild.build({
  entryPoints: [join(root, 'server/main.ts')],
  outfile: join(process.cwd(), outfile),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'error',
  plugins: [{
    name: 'swap-files',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => (swapped.has(args.path) ? { contents: swapped.get(args.path), loader: 'ts' } : undefined));
    },
  }],
});
