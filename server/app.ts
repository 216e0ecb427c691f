import Fastify, { type FastifyInstance } from 'fastify';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { MAX_HTTP_BODY_BYTES, MAX_SOCKET_PAYLOAD_BYTES } from '../protocol/limits.js';
import type { Config } from './config.js';
import { setupConsole } from './console.js';
import { Core } from './core/core.js';
import { ensureFirstAdmin } from './core/agents.js';
import { startBlockExpiry } from './core/block-expiry.js';
import { consoleApi } from './http/console.js';
import { handleErrors, sendError } from './http/errors.js';
import { acceptJsonBodies } from './http/json-body.js';
import { restApi } from './http/rest.js';
import { publicFiles, securityHeaders } from './http/static.js';
import { createConfiguredLogger } from './logger.js';
import { healthRoutes } from './http/health.js';
import { requestId } from './http/request-id.js';
import { readinessProbe, type Lifecycle } from './ops/readiness.js';
import { shutDown } from './ops/shutdown.js';
import { trackAcks } from './realtime/ack-tracker.js';
import { metricsRoute } from './http/metrics.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { AGENTS_NAMESPACE } from './realtime/namespaces.js';
import { MESSENGER_NAMESPACE } from '../protocol/messenger.js';
import { attachRedisAdapter } from './realtime/redis-adapter.js';
import { fanOutToMessenger } from './realtime/messenger-fanout.js';
import { setupMessenger } from './realtime/messenger.js';
import { startSnoozeWaker } from './snooze-waker.js';
import { startWebhookDispatcher } from './webhooks/dispatcher.js';
import { startFollowupWorker } from './email/followup-worker.js';
import { createMailer, type Mailer } from './email/transport.js';
import { inviteEmail } from './email/invite-email.js';
import { unsubscribeRoute } from './http/unsubscribe.js';
import { consoleMessengerRoutes } from './http/console-messenger.js';
import { inRoomAnywhere } from './realtime/audience.js';
import { contactRoom } from './realtime/dto.js';
import { createStore } from './store/create-store.js';
import { RateLimiter } from './guard/rate-limits.js';
import type { Store } from './store/store.js';

const PROTECTION_PRUNE_MS = 3_600_000;

export interface Parley {
  config: Config;
  core: Core;
  store: Store;
  /** Fastify's underlying HTTP server; socket.io shares it. */
  http: HttpServer;
  /** The Fastify instance: REST, console API, /healthz, static files. */
  app: FastifyInstance;
  io: Server;
  logger: Logger;
  /** This process's Prometheus metrics (served at /metrics). */
  metrics: Metrics;
  /** Base URL once listening, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The admin created at this start (`firstAdmin` option, no agents yet), to show once; else null. */
  firstAdmin: { email: string; password: string } | null;
  /** Where follow-up emails go: SMTP, or `.eml` files under a directory (the console says which). */
  mailer: Pick<Mailer, 'kind' | 'dir'>;
  /** Graceful stop within `config.shutdownTimeoutMs` (server/ops/shutdown.ts); later calls share the first. */
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
  const logger = opts.logger ?? createConfiguredLogger(config);
  // Before the store, which reports its queries and append batches to it. The sources are
  // read at scrape time only, once the route below exists and io and core with it.
  const metrics = createMetrics({
    connected: () => ({ visitors: io.of(MESSENGER_NAMESPACE).sockets.size, agents: io.of(AGENTS_NAMESPACE).sockets.size }),
    outboxDepth: () => core.webhooks.queue.countEvents(),
  });
  const store = opts.store ?? (await createStore(config.databaseUrl, { schema: config.databaseSchema, observer: metrics.observeStore }));
  const core = new Core(store, { agentPolicy: { blockRoles: config.blockRoles }, blockPolicy: config.blockPolicy, followupPolicy: config.email.policy, inviteKey: config.keys.invite });
  core.webhooks.allowPrivateAddresses = config.webhooksAllowPrivate;
  let lifecycle: Lifecycle = 'starting';

  const app = Fastify({
    // The client's address (request.ip) walks X-Forwarded-For only through PARLEY_TRUST_PROXY's hops.
    trustProxy: config.trustProxy,
    bodyLimit: MAX_HTTP_BODY_BYTES,
    // Errors are logged by our error handler; per-request access logs would cost every request.
    logger: false,
    // Every answer carries its id (X-Request-Id) and every log line about it names it.
    genReqId: requestId,
    requestIdHeader: false,
    // A malformed URL (bad percent-encoding) is a bad request like any other.
    frameworkErrors: (_err, _req, reply) => sendError(reply, 'invalid_payload', 'The request URL is malformed.'),
  });
  const http = app.server;
  const io = new Server(http, {
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    cors: { origin: true, credentials: false },
    serveClient: false,
  });
  const redis = config.redisUrl ? await attachRedisAdapter(io, config.redisUrl, logger, await core.deploymentId()) : null;
  const limiter = new RateLimiter(config.rateLimits, redis?.pub);
  const stopMetrics = core.subscribe(metrics.observeCore);
  // Every acked handler (socket-validation.ts `acked`) reports to it.
  const acks = trackAcks(io, metrics.observeAck);

  const messenger = setupMessenger(io, core, config, logger, limiter);
  const unsubscribe = fanOutToMessenger(core, messenger, redis !== null);
  const agentsConsole = setupConsole(io, core, config, logger);
  const webhooks = startWebhookDispatcher(core, logger, config.webhookDelivery, { allowPrivate: config.webhooksAllowPrivate }, metrics.observeWebhookAttempt);
  const blockExpiry = startBlockExpiry(core.contacts, config.blockPolicy.expiryPollMs, (err) => logger.error({ err }, 'block expiry failed'));
  const snoozes = startSnoozeWaker(core, logger);
  const mailer = createMailer(config.email.smtpUrl, config.email.dir);
  if (mailer.kind === 'files') logger.info({ dir: mailer.dir }, 'SMTP_URL is not set: follow-up emails are written as .eml files');
  let baseUrl = '';
  const followups = startFollowupWorker(core, logger, {
    settings: config.email,
    mailer,
    unsubscribeKey: config.keys.unsubscribe,
    baseUrl: () => config.email.publicUrl ?? baseUrl,
    connected: (contactId) => inRoomAnywhere(messenger, redis !== null, contactRoom(contactId)),
  });
  // Protection rule events are kept 30 days; any process may prune (deletes are idempotent).
  const pruneProtection = setInterval(() => {
    core.protection.pruneEvents().catch((err) => logger.warn({ err }, 'protection event pruning failed'));
  }, PROTECTION_PRUNE_MS).unref();

  handleErrors(app, logger);
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  acceptJsonBodies(app);
  securityHeaders(app);
  healthRoutes(app, {
    alive: () => lifecycle === 'serving',
    storeKind: store.kind,
    readiness: readinessProbe({ pendingMigrations: () => store.pendingMigrations(), redis: redis?.clients ?? [], lifecycle: () => lifecycle, logger }),
  });
  metricsRoute(app, { scrape: metrics.scrape, keys: config, allow: config.metricsAllow });
  unsubscribeRoute(app, { core, limiter, key: config.keys.unsubscribe });
  consoleMessengerRoutes(app, { core, key: config.keys.session, delivery: mailer });
  await app.register(restApi, { prefix: '/v2', core, config, limiter });
  await app.register(consoleApi, {
    prefix: '/console/api', core, config, limiter, closeSockets: agentsConsole.closeSockets,
    // The token rides in the fragment: never sent to the server by the page, so never in access logs or Referer.
    sendInvite: ({ agent, invite, token }, inviter) => mailer.send(inviteEmail({
      from: config.email.from, to: agent.email, inviter: inviter.name, link: `${config.email.publicUrl ?? baseUrl}/console/invite#${token}`, expiresAt: invite.expiresAt,
    })),
  });
  await publicFiles(app, config.publicDir);
  app.setNotFoundHandler((req, reply) => sendError(reply, 'not_found', `Nothing at ${req.url.split('?')[0]}.`));
  await app.listen({ port: config.port, host: config.host });
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  // Ready means usable: a sign-in right after /healthz says ok must find the first admin.
  const firstAdmin = opts.firstAdmin ? await ensureFirstAdmin(core.agents, store, opts.firstAdmin) : null;
  baseUrl = `http://${host}:${port}`;
  lifecycle = 'serving';
  let closing: Promise<void> | null = null;

  return {
    config, core, store, http, app, io, logger, metrics, firstAdmin,
    mailer: { kind: mailer.kind, dir: mailer.dir },
    url: baseUrl,
    close() {
      lifecycle = 'stopping';
      closing ??= shutDown({
        http, io, app, acks, webhooks, logger,
        stopListening() {
          unsubscribe();
          stopMetrics();
          clearInterval(pruneProtection);
          agentsConsole.close();
        },
        async release() {
          await blockExpiry.close();
          await snoozes.close();
          await followups.close();
          metrics.close();
          await redis?.close();
          if (!opts.store) await store.close();
        },
      }, config.shutdownTimeoutMs);
      return closing;
    },
  };
}
