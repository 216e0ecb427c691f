// Widget build: an esm app chunk (Preact, signals, socket.io-client, components) and a tiny
// classic-script loader, widget.js, that paints the launcher and import()s the app chunk.
// The loader is built second so it can embed the app chunk's hashed file name.
import { join, basename } from 'node:path';
import { websocketOnly } from '../scripts/esbuild-websocket-only.mjs';

/** CSS lives in template strings (widget/styles.ts); drop the indentation and newlines. */
const compactCss = {
  name: 'compact-css',
  setup(build) {
    build.onLoad({ filter: /widget[\\/]styles\.ts$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const src = await readFile(args.path, 'utf8');
      const contents = src.replace(/`([^`]*)`/g, (_, css) =>
        '`' + css.replace(/\/\*[^]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{};,>])\s*/g, '$1').replace(/;}/g, '}').trim() + '`',
      );
      return { contents, loader: 'ts' };
    });
  },
};

export async function target({ esbuild, browser: shared, root, publicDir, cpSync }) {
  // esbuild refuses to lower destructuring for Safari 14.0; 14.1 is the real floor anyway.
  const browser = { ...shared, target: shared.target?.map((t) => (t === 'safari14' ? 'safari14.1' : t)) };
  const app = await esbuild.build({
    ...browser,
    entryPoints: { app: join(root, 'widget/app.tsx') },
    outdir: publicDir,
    splitting: true,
    // Lazy chunks (import()) are entries too: every widget file starts with `widget-`.
    entryNames: 'widget-[name]-[hash]',
    chunkNames: 'widget-[name]-[hash]',
    plugins: [websocketOnly, compactCss],
  });
  const appFile = Object.keys(app.metafile.outputs).find((f) => basename(f).startsWith('widget-app-') && f.endsWith('.js'));
  const loader = await esbuild.build({
    ...browser,
    format: 'iife',
    entryPoints: { widget: join(root, 'widget/loader.ts') },
    outdir: publicDir,
    define: { ...browser.define, __PARLEY_APP__: JSON.stringify(basename(appFile)) },
    plugins: [compactCss],
  });
  cpSync(join(root, 'widget/demo'), publicDir, { recursive: true });
  return { ...loader, metafile: { inputs: { ...app.metafile.inputs, ...loader.metafile.inputs }, outputs: { ...app.metafile.outputs, ...loader.metafile.outputs } } };
}
