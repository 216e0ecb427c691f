import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { Config } from './config.js';
import type { Core } from './core/core.js';
import { fanOutToAgents } from './realtime/agents-fanout.js';
import { setupAgents } from './realtime/agents.js';

/**
 * The agents' console on the socket side: the `/agents` namespace, its fan-out, and
 * `closeSockets` for the console's HTTP API (server/http/console.ts). The page itself is a
 * static build under dist/public/console.
 */
export function setupConsole(io: Server, core: Core, config: Config, logger: Logger) {
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
  return { nsp, closeSockets, close: unsubscribe };
}
