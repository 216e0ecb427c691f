import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../protocol/errors.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let doc: any;
beforeAll(async () => {
  server = await startServer();
  const res = await fetch(`${server.url}/v2/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(() => server.close());

/** `METHOD /path/:param` of every route in Fastify's own route table (its printRoutes tree). */
function registeredRoutes(tree: string): Set<string> {
  const stack: string[] = [];
  const routes = new Set<string>();
  for (const line of tree.split('\n')) {
    const m = /^(.*?)[└├]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
    if (!m) continue;
    stack.length = m[1].length / 4;
    stack.push(m[2]);
    for (const method of m[3]?.split(', ') ?? []) routes.add(`${method} ${stack.join('')}`);
  }
  return routes;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('GET /v2/openapi.json', () => {
  it('is an OpenAPI 3.1 document, served without the API key', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(typeof doc.paths).toBe('object');
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error.properties.code.enum).toEqual(Object.keys(ERRORS));
  });

  it('describes every registered /v2 route, and only registered ones', () => {
    const registered = [...registeredRoutes(server.parley.app.printRoutes({ commonPrefix: false }))]
      .filter((r) => r.includes(' /v2/') && !r.startsWith('HEAD '));
    const described = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).filter((k) => METHODS.includes(k)).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(registered.length).toBeGreaterThan(15);
    expect(described.sort()).toEqual(registered.sort());
  });

  it('gives each operation a summary, its parameters, a success answer and catalog errors', () => {
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(op.summary, where).toEqual(expect.any(String));
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          expect(op.parameters.some((p: any) => p.in === 'path' && `{${p.name}}` === name && p.required), where).toBe(true);
        }
        const statuses = Object.keys(op.responses).map(Number);
        expect(statuses.some((s) => s >= 200 && s < 300), where).toBe(true);
        for (const s of statuses.filter((s) => s >= 400)) expect(Object.values(ERRORS).some((e) => e.status === s), where).toBe(true);
        if (path !== '/v2/openapi.json') expect(op.security, where).toEqual([{ apiKey: [] }]);
      }
    }
  });

  it('carries the version rule and the body and query schemas', () => {
    const block = doc.paths['/v2/contacts/{id}/block'].post;
    expect(block['x-min-version']).toBe('2026-01-01.nova');
    expect(block.responses[400].description).toContain('version_not_available');
    expect(block.requestBody.content['application/json'].schema.properties.scope.enum).toEqual(['contact', 'device_and_ip']);
    expect(doc.paths['/v2/conversations'].get['x-min-version']).toBeUndefined();
    const list = doc.paths['/v2/audit-logs'].get.parameters.map((p: any) => p.name);
    expect(list).toEqual(expect.arrayContaining(['limit', 'cursor', 'action', 'domain', 'startDate', 'endDate']));
    expect(doc.paths['/v2/conversations'].post.requestBody.required).toBe(true);
    expect(doc.paths['/v2/protection/rules'].post['x-parley-extension']).toBe(true);
    expect(doc.paths['/v2/conversations'].get['x-parley-extension']).toBeUndefined();
    const conditions = doc.paths['/v2/protection/rules'].post.requestBody.content['application/json'].schema.properties.conditions;
    expect(JSON.stringify(conditions)).toContain('rateLimitHits');
  });
});
