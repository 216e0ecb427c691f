import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseBlockRoles } from '../../server/config.js';
import { ask, connectAgent, createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ blockRoles: parseBlockRoles('admin, agent') });
  await createAgent(server, 'bob@example.com', 'agent', 'Bob');
});
afterAll(async () => {
  await server.close();
});

it('reads PARLEY_BLOCK_ROLES: default admin only, a list, unknown roles refused', () => {
  expect(parseBlockRoles(undefined)).toEqual(['admin']);
  expect(parseBlockRoles(' ')).toEqual(['admin']);
  expect(parseBlockRoles('agent,admin')).toEqual(['agent', 'admin']);
  expect(() => parseBlockRoles('owner')).toThrow(/unknown role/);
});

it('lets the agent role block when PARLEY_BLOCK_ROLES includes it', async () => {
  const login = await signIn(server, 'bob@example.com');
  expect(login.json.canBlock).toBe(true);
  const socket = await connectAgent(server, login.cookie);
  const visitor = await connectVisitor(server.url, {});
  try {
    const res = await ask(socket, 'contact:block', { contactId: visitor.session.contact.id, reason: null });
    expect(res.ok && res.blockHistory[0]).toMatchObject({ actorName: 'Bob', reason: null });
  } finally {
    socket.close();
    visitor.close();
  }
});
