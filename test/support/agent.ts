import { io, type Socket } from 'socket.io-client';
import type { AgentRole, AgentsAckData, AgentsClientEvents, AgentsServerEvents, MeDto } from '../../protocol/agents.js';
import type { Ack } from '../../protocol/types.js';
import type { TestServer } from './server.js';

export type AgentSocket = Socket<AgentsServerEvents, AgentsClientEvents>;

export const PASSWORD = 'correct horse battery';

/** Creates a console account straight through the core (known password). */
export async function createAgent(server: TestServer, email: string, role: AgentRole = 'agent', name = email.split('@')[0]) {
  return server.parley.core.agents.create({ email, name, role, password: PASSWORD });
}

/** Signs in over HTTP; resolves with the status, body and the `name=value` cookie to send back. */
export async function signIn(server: TestServer, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, json: (await res.json()) as MeDto & { code?: string }, setCookie, cookie: setCookie.split(';')[0] };
}

/** A real socket.io-client on /agents sending `cookie`; resolves once connected. */
export async function connectAgent(server: TestServer, cookie: string | null, extraHeaders: Record<string, string> = {}): Promise<AgentSocket> {
  const socket: AgentSocket = io(`${server.url}/agents`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { ...(cookie ? { cookie } : {}), ...extraHeaders },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** Emits with an ack and a timeout. */
export function ask<E extends keyof AgentsClientEvents>(socket: AgentSocket, event: E, payload: Parameters<AgentsClientEvents[E]>[0]) {
  return (socket.timeout(10_000) as any).emitWithAck(event, payload) as Promise<Ack<AgentsAckData<E>>>;
}

/** Resolves with the next `event` payload matching `pred`. */
export function nextEvent<E extends keyof AgentsServerEvents>(socket: AgentSocket, event: E, pred: (p: Parameters<AgentsServerEvents[E]>[0]) => boolean = () => true) {
  return new Promise<Parameters<AgentsServerEvents[E]>[0]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 5 s`)), 5000);
    const on = (p: any) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      socket.off(event, on as never);
      resolve(p);
    };
    socket.on(event, on as never);
  });
}
