import { io, type Socket } from 'socket.io-client';
import type { MessengerAuth, MessengerClientEvents, MessengerServerEvents, SessionPayload } from '../../protocol/messenger.js';
import type { Ack, MessageDto } from '../../protocol/types.js';

export type VisitorSocket = Socket<MessengerServerEvents, MessengerClientEvents>;

export interface Visitor {
  socket: VisitorSocket;
  session: SessionPayload;
  send(body: string, clientId?: string, conversationId?: string): Promise<Ack<{ message: MessageDto }>>;
  history(since?: string | null): Promise<Ack<{ messages: MessageDto[]; hasMore: boolean }>>;
  /** Resolves with the next payload of `event`. */
  next<E extends keyof MessengerServerEvents>(event: E): Promise<Parameters<MessengerServerEvents[E]>[0]>;
  close(): void;
}

let seq = 0;
export const newClientId = () => `c-${process.pid}-${Date.now().toString(36)}-${++seq}`;

/** A real socket.io-client visitor on /messenger; resolves once the `session` arrives. */
export async function connectVisitor(baseUrl: string, auth: MessengerAuth = {}, extra: Record<string, unknown> = {}): Promise<Visitor> {
  const socket: VisitorSocket = io(`${baseUrl}/messenger`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
  const session = await new Promise<SessionPayload>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return {
    socket,
    session,
    send: (body, clientId = newClientId(), conversationId) =>
      socket.timeout(10_000).emitWithAck('message:send', { clientId, body, ...(conversationId ? { conversationId } : {}) }) as Promise<Ack<{ message: MessageDto }>>,
    history: (since) => socket.timeout(10_000).emitWithAck('history:fetch', { since }) as Promise<Ack<{ messages: MessageDto[]; hasMore: boolean }>>,
    next: (event) => new Promise((resolve) => socket.once(event, resolve as never)),
    close: () => socket.close(),
  };
}

/** The error a refused connection reports (`connect_error` data). */
export async function connectError(baseUrl: string, auth: MessengerAuth, extra: Record<string, unknown> = {}) {
  const socket = io(`${baseUrl}/messenger`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
  return new Promise<{ message: string; data?: { code: string; message: string } }>((resolve, reject) => {
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(err as never);
    });
    socket.once('session', () => {
      socket.close();
      reject(new Error('expected the connection to be refused'));
    });
  });
}
