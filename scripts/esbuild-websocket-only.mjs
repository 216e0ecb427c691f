// esbuild plugin: engine.io-client bundles HTTP long-polling and WebTransport; the widget and
// console only speak WebSocket, so its transport table is cut down to that one (~4 KB less).
import { join } from 'node:path';

export const websocketOnly = {
  name: 'websocket-only',
  setup(build) {
    build.onResolve({ filter: /^\.\/transports\/index\.js$/ }, (args) =>
      args.importer.includes('engine.io-client') ? { path: join(args.resolveDir, 'transports/websocket.js'), namespace: 'ws-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'ws-only' }, (args) => ({
      contents: `import { WS } from ${JSON.stringify(args.path)}; export const transports = { websocket: WS };`,
      resolveDir: join(args.path, '..'),
    }));
  },
};
