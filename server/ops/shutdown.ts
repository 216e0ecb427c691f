import type { FastifyInstance } from 'fastify';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { AckTracker } from '../realtime/ack-tracker.js';
import { upTo } from './time-limit.js';

export interface ShutdownParts {
  http: HttpServer;
  io: Server;
  app: FastifyInstance;
  acks: AckTracker;
  webhooks: { flush(): Promise<void>; close(): Promise<void> };
  /** Stops the core's listeners (socket fan-out, console). */
  stopListening(): void;
  /** Closes what remains (Redis, then the store), in that order. */
  release(): Promise<void>;
  logger: Logger;
}

// Kept back from the limit for closing the store and Redis once everything else is done.
const RESERVE_MS = 500;

/**
 * A graceful stop within `timeoutMs`: no new connections; events being handled commit and
 * are acknowledged; every socket is closed at the transport, which widgets and consoles
 * take as a cue to reconnect (to another process, behind a balancer) and to resend what was
 * not acknowledged (deduplicated by clientId); outbox events become stored deliveries; then
 * HTTP, Redis and the store close. A step that overruns its share is cut short and logged.
 */
export async function shutDown(parts: ShutdownParts, timeoutMs: number): Promise<void> {
  const { http, io, app, acks, webhooks, logger } = parts;
  const deadline = Date.now() + timeoutMs - RESERVE_MS;
  const left = () => Math.max(0, deadline - Date.now());
  const step = async (name: string, work: Promise<unknown>, ms = left()) => {
    if (!(await upTo(work, ms))) logger.warn({ step: name }, 'shutdown step cut short by PARLEY_SHUTDOWN_TIMEOUT_SECONDS');
  };
  http.close(); // stop listening; open connections carry on below
  // Half the time at most for the events in flight now, so the connections close in time.
  if (!(await acks.settle(left() / 2, false))) logger.warn({ inFlight: acks.inFlight }, 'shutdown: answers still pending when sockets closed');
  parts.stopListening();
  io.engine.close();
  // Events that arrived meanwhile commit before the store closes (their answers are lost; the clients resend).
  await acks.settle(left());
  await step('webhook outbox flush', webhooks.flush());
  await step('webhook worker', webhooks.close());
  await step('socket.io', io.close());
  await step('http', app.close());
  await parts.release();
}
