// Console build: one esm bundle (Preact, signals, socket.io-client, components) and its CSS,
// hashed, written to dist/public/console/ with an index.html naming them. No inline script
// or style: the page runs under the server's strict CSP.
import { basename, join } from 'node:path';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { websocketOnly } from '../scripts/esbuild-websocket-only.mjs';

export async function target({ esbuild, browser: shared, root, publicDir, cpSync }) {
  const browser = { ...shared, target: shared.target?.map((t) => (t === 'safari14' ? 'safari14.1' : t)) };
  const outdir = join(publicDir, 'console');
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    ...browser,
    entryPoints: { console: join(root, 'console/main.tsx') },
    outdir,
    entryNames: '[name]-[hash]',
    plugins: [websocketOnly],
  });
  const outputs = Object.keys(result.metafile.outputs);
  const js = basename(outputs.find((f) => f.endsWith('.js')));
  const css = basename(outputs.find((f) => f.endsWith('.css')));
  const html = readFileSync(join(root, 'console/index.html'), 'utf8').replace('%JS%', `/console/${js}`).replace('%CSS%', `/console/${css}`);
  writeFileSync(join(outdir, 'index.html'), html);
  cpSync(join(root, 'console/favicon.svg'), join(outdir, 'favicon.svg'));
  return result;
}
