import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { MAX_SOCKET_PAYLOAD_BYTES } from '../protocol/limits.js';
import type { Config } from './config.js';
import { setupConsole } from './console.js';
import { Core } from './core/core.js';
import { ensureFirstAdmin } from './core/agents.js';
import { createApiHandler } from './http/api.js';
import { sendError, sendJson } from './http/respond.js';
import { createStaticHandler } from './http/static.js';
import { createLogger } from './logger.js';
import { attachRedisAdapter } from './realtime/redis-adapter.js';
import { fanOutToMessenger } from './realtime/messenger-fanout.js';
import { setupMessenger } from './realtime/messenger.js';
import { startWebhookDispatcher } from './webhooks/dispatcher.js';
import { createStore } from './store/create-store.js';
import { RateLimiter } from './guard/rate-limits.js';
import type { Store } from './store/store.js';

export interface Parley {
  config: Config;
  core: Core;
  store: Store;
  http: HttpServer;
  io: Server;
  logger: Logger;
  /** Base URL once listening, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The admin created at this start (`firstAdmin` option, no agents yet), to show once; else null. */
  firstAdmin: { email: string; password: string } | null;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  store?: Store;
  /** Create the first console admin when there are no agents, before /healthz says ready. */
  firstAdmin?: { email?: string; password?: string };
}

/** Builds and starts a Parley server: store, core, REST, socket.io; resolves once listening and ready. */
export async function startParley(config: Config, opts: StartOptions = {}): Promise<Parley> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const store = opts.store ?? (await createStore(config.databaseUrl, { schema: config.databaseSchema }));
  const core = new Core(store, { agentPolicy: { blockRoles: config.blockRoles }, blockPolicy: config.blockPolicy });
  core.webhooks.allowPrivateAddresses = config.webhooksAllowPrivate;
  let ready = false;

  const serveStatic = createStaticHandler(config.publicDir);

  const http = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, 'invalid_payload', 'The request URL is malformed.');
    }
    if (url.pathname === '/healthz') {
      return ready ? sendJson(res, 200, { status: 'ok', store: store.kind }) : sendError(res, 'unavailable');
    }
    if (url.pathname === '/v2' || url.pathname.startsWith('/v2/')) {
      void handleApi(req, res, url);
      return;
    }
    if (agentsConsole.handle(req, res, url)) return;
    if (serveStatic(req, res, url)) return;
    sendError(res, 'not_found', `Nothing at ${url.pathname}.`);
  });
  http.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  const io = new Server(http, {
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    cors: { origin: true, credentials: false },
    serveClient: false,
  });
  const redis = config.redisUrl ? await attachRedisAdapter(io, config.redisUrl, logger) : null;
  const limiter = new RateLimiter(config.rateLimits, redis?.pub);
  const handleApi = createApiHandler({ core, config, logger, limiter });

  const messenger = setupMessenger(io, core, config, logger, limiter);
  const unsubscribe = fanOutToMessenger(core, messenger, redis !== null);
  const agentsConsole = setupConsole(io, core, config, logger, limiter);
  const webhooks = startWebhookDispatcher(core, logger, config.webhookDelivery, { allowPrivate: config.webhooksAllowPrivate });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  // Ready means usable: a sign-in right after /healthz says ok must find the first admin.
  const firstAdmin = opts.firstAdmin ? await ensureFirstAdmin(core.agents, store, opts.firstAdmin) : null;
  ready = true;

  return {
    config, core, store, http, io, logger, firstAdmin,
    url: `http://${host}:${port}`,
    async close() {
      ready = false;
      unsubscribe();
      agentsConsole.close();
      await webhooks.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await redis?.close();
      if (!opts.store) await store.close();
    },
  };
}
