import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

/**
 * Fans socket.io broadcasts (message:new, contact:blocked, console events) out to every
 * Parley process through Redis pub/sub, on channels named by the deployment (`deploymentId`):
 * another deployment (or test cluster) using the same Redis hears none of them.
 */
export async function attachRedisAdapter(io: Server, url: string, logger: Logger, deploymentId: string) {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (err) => logger.error({ err }, 'redis error'));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key: `parley:${deploymentId}` }));
  return {
    pub,
    /** Both connections, publisher first (readiness checks them). */
    clients: [pub, sub] as const,
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
