// A stand-in for the socket.io client socket: the test plays the server.
import type { Connect, MessengerSocket } from '../../widget/messenger.js';
import type { MessageDto } from '../../protocol/types.js';
import type { TeamInfo } from '../../protocol/messenger.js';

export interface Sent {
  event: string;
  payload: any;
  ack?: (res: any) => void;
}

export function fakeServer() {
  const handlers = new Map<string, ((arg: any) => void)[]>();
  const sent: Sent[] = [];
  let authFn: ((cb: (a: any) => void) => void) | undefined;
  const fire = (event: string, arg?: unknown) => (handlers.get(event) ?? []).forEach((f) => f(arg));
  const socket = {
    connected: false,
    on(event: string, fn: (arg: any) => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), fn]);
      return socket;
    },
    emit(event: string, payload: unknown, ack?: (res: unknown) => void) {
      sent.push({ event, payload, ack });
      return socket;
    },
    disconnect() {
      if (socket.connected) {
        socket.connected = false;
        fire('disconnect', 'io client disconnect');
      }
      return socket;
    },
    /** How many times the widget asked to (re)connect. */
    connects: 0,
    connect() {
      socket.connects++;
      return socket;
    },
  };
  const connect: Connect = (_url, opts) => {
    authFn = opts.auth;
    return socket as unknown as MessengerSocket;
  };
  return {
    connect,
    socket,
    sent,
    /** Sent events of one name. */
    of: (event: string) => sent.filter((s) => s.event === event),
    /** The auth the widget would send now. */
    auth: () => new Promise<any>((r) => authFn!(r)),
    /** Simulates a (re)connect followed by the server's `session`; a null token is a customer's session (none issued). */
    open(contact: Partial<{ id: string; blocked: boolean; type: 'lead' | 'customer' }> = {}, token: string | null = 'tok-1', followup?: { promptAfterSeconds: number; subscribed: boolean; agentsOnline: boolean }, team?: TeamInfo) {
      socket.connected = true;
      fire('connect');
      fire('session', { contact: { id: 'c1', type: 'lead', blocked: false, name: null, email: null, ...contact }, ...(token ? { visitorToken: token } : {}), ...(followup ? { followup } : {}), ...(team ? { team } : {}) });
    },
    /** Simulates a refused handshake with a catalog error. */
    refuse(code: string) {
      fire('connect_error', Object.assign(new Error(code), { data: { code, message: code } }));
    },
    drop() {
      socket.connected = false;
      fire('disconnect', 'transport close');
    },
    push: fire,
  };
}

let n = 0;
export function msg(over: Partial<MessageDto> = {}): MessageDto {
  n++;
  return {
    id: over.id ?? `m${String(n).padStart(4, '0')}`,
    conversationId: 'conv1',
    clientId: null,
    author: { type: 'admin', id: 'a1', name: 'Ada' },
    body: `message ${n}`,
    messageType: 'reply',
    createdAt: new Date().toISOString(),
    ...over,
  };
}
