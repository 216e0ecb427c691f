import { http } from '../support/api.js';
import { connectAgent, createAgent, signIn, type AgentSocket } from '../support/agent.js';
import type { TestServer } from '../support/server.js';

/** Saves a rule through the REST API; throws unless it was created. */
export async function saveRule(server: TestServer, rule: { name?: string; mode?: string; conditions: object[]; action: object }) {
  const res = await http(server, 'POST', '/v2/protection/rules', { body: { name: 'test rule', mode: 'enforce', ...rule } });
  if (res.status !== 201) throw new Error(`rule not saved: ${res.status} ${res.text}`);
  return res.json as { id: string; name: string };
}

/** A signed-in admin's console socket that records every message:new body it is pushed. */
export async function watchingAgent(server: TestServer, email: string): Promise<{ socket: AgentSocket; bodies: string[] }> {
  await createAgent(server, email, 'admin');
  const { cookie } = await signIn(server, email);
  const socket = await connectAgent(server, cookie);
  const bodies: string[] = [];
  socket.on('message:new', (p) => bodies.push(p.message.body));
  return { socket, bodies };
}

export const listHeld = async (server: TestServer) => (await http(server, 'GET', '/v2/protection/held?limit=100')).json.data as { id: string; bodyMarkdown: string; contactId: string; rule: { id: string } }[];
