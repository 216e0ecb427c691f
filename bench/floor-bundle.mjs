// The floor a messenger widget cannot go below: Preact + @preact/signals + socket.io-client
// (WebSocket transport only, as the widget builds it), minified by esbuild with the same
// browser options, and nothing else. Built in the bench run and compared with dist/sizes.json.
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { websocketOnly } from '../scripts/esbuild-websocket-only.mjs';
import { sizes } from '../scripts/sizes.mjs';

const root = new URL('../', import.meta.url).pathname;

// Uses each library for real so nothing is tree-shaken away: a socket feeding a signal
// rendered by a component.
const entry = `
import { h, render } from 'preact';
import { signal } from '@preact/signals';
import { io } from 'socket.io-client';
const last = signal('');
const socket = io(location.origin + '/messenger', { transports: ['websocket'] });
socket.on('message:new', (m) => { last.value = m.body; });
function App() { return h('div', null, last.value, h('button', { onClick: () => socket.emit('message:send', { clientId: String(Date.now()), body: 'hi' }) }, 'send')); }
render(h(App, null), document.body);
`;

/** Builds the floor bundle in memory; returns its sizes. */
export async function floorBundle({ websocketOnlyTransport = true } = {}) {
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: websocketOnlyTransport ? [websocketOnly] : [],
    write: false,
  });
  return sizes(Buffer.from(result.outputFiles[0].contents));
}
