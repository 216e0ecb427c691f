import Featurebase from 'featurebase-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type TestServer } from './server.js';

/** The official featurebase-node SDK pointed at a test server; no retries so errors surface. */
export function sdk(server: TestServer, opts: { apiKey?: string; version?: string } = {}) {
  return new Featurebase({
    apiKey: opts.apiKey ?? server.apiKey,
    baseURL: server.url,
    maxRetries: 0,
    ...(opts.version ? { defaultHeaders: { 'Featurebase-Version': opts.version } } : {}),
  });
}

/** One server for the calling test file (started before its tests, closed after them) and the SDK on it. */
export function serverWithSdk(overrides: Parameters<typeof startServer>[0] = {}) {
  const ctx = {} as { server: TestServer; fb: Featurebase };
  beforeAll(async () => {
    ctx.server = await startServer(overrides);
    ctx.fb = sdk(ctx.server);
  });
  afterAll(() => ctx.server.close());
  return ctx;
}

/** Raw HTTP for what the SDK can't send (malformed JSON, wrong types, bad headers). */
export async function http(server: TestServer, method: string, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string>; auth?: boolean } = {}) {
  const headers: Record<string, string> = { ...(init.auth === false ? {} : { authorization: `Bearer ${server.apiKey}` }), ...init.headers };
  let body: string | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Blocks a contact through the REST API (as the business's backend would). */
export const blockContact = (server: TestServer, id: string, reason?: string) =>
  http(server, 'POST', `/v2/contacts/${id}/block`, reason ? { body: { reason } } : {});
export const unblockContact = (server: TestServer, id: string) => http(server, 'POST', `/v2/contacts/${id}/unblock`);

/** An admin id the API accepts (an active console agent, created through the core). */
export async function newAdmin(server: TestServer, name = 'Support'): Promise<string> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomBytes(4).toString('hex')}@example.com`;
  return (await server.parley.core.agents.create({ email, name, role: 'agent', password: 'correct horse battery' })).id;
}
