// Console addresses (/console/conversations/123) are pages: a reload or a link shared between
// agents gets the console, while /console/api keeps its own JSON 404 and 405.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  expect(existsSync(join(import.meta.dirname, '../../dist/public/console/index.html')), 'run `node build.mjs` first (npm test does)').toBe(true);
  server = await startServer();
});
afterAll(() => server.close());

const get = async (path: string, method = 'GET') => {
  const res = await fetch(`${server.url}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

describe('console deep links', () => {
  it('serves the console page for its views, with or without an id', async () => {
    const page = await get('/console');
    for (const path of ['/console/conversations', '/console/conversations/123', '/console/contacts/6a1f0c2e9b3d4a5f6e7d8c9b', '/console/team', '/console/held-messages']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.type, path).toContain('text/html');
      expect(res.body, path).toBe(page.body);
    }
  });

  it('keeps the API answers under /console/api and refuses other shapes', async () => {
    expect(await get('/console/api/nope')).toMatchObject({ status: 404, type: expect.stringContaining('json') });
    expect(await get('/console/api/session')).toMatchObject({ status: 405, type: expect.stringContaining('json') });
    for (const path of ['/console/Evil', '/console/a/b/c', '/console/under_score']) {
      expect((await get(path)).status, path).toBe(404);
    }
    // The hashed bundle is a file, not a view.
    const html = (await get('/console')).body;
    const js = /src="([^"]+\.js)"/.exec(html)![1];
    expect(await get(js)).toMatchObject({ status: 200, type: expect.stringContaining('javascript') });
  });
});
