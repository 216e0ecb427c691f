import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { Config } from './config.js';
import type { RateLimiter } from './guard/rate-limits.js';
import type { Core } from './core/core.js';
import { createConsoleHandler } from './http/console.js';
import { fanOutToAgents } from './realtime/agents-fanout.js';
import { setupAgents } from './realtime/agents.js';

/**
 * The agents' console on the server side: `/console/api/*` (session, me), the `/agents`
 * namespace and its fan-out. The page itself is a static build under dist/public/console.
 */
export function setupConsole(io: Server, core: Core, config: Config, logger: Logger, limiter: RateLimiter) {
  const nsp = setupAgents(io, core, config, logger);
  const unsubscribe = fanOutToAgents(core, nsp, logger, config.redisUrl !== null);
  // Sign-out, deactivation and password changes close that agent's console sockets on every
  // process (fetchSockets goes through the Redis adapter). Sockets that connect meanwhile
  // re-check their agent once connected (server/realtime/agents.ts).
  const closeSockets = async (agentId: string) => {
    try {
      const sockets = await nsp.fetchSockets();
      sockets.filter((s) => s.data.agent?.id === agentId).forEach((s) => s.disconnect(true));
    } catch (err) {
      // Another process did not answer (Redis trouble): close ours at least; theirs stay open
      // until they reconnect (refused then) or their session ends.
      for (const s of nsp.sockets.values()) if (s.data.agent?.id === agentId) s.disconnect(true);
      logger.warn({ err, agentId }, 'closing console sockets on other processes failed');
    }
  };
  const handleApi = createConsoleHandler({ core, config, logger, limiter }, closeSockets);
  return {
    nsp,
    /** Answers `/console/api/*`; false for any other path. */
    handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      if (!url.pathname.startsWith('/console/api/')) return false;
      void handleApi(req, res, url);
      return true;
    },
    close: unsubscribe,
  };
}
