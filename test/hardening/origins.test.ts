import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originAllowed } from '../../server/guard/origins.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectError, connectVisitor } from '../support/visitor.js';

describe('origin allowlist', () => {
  it('allows listed origins, the server\'s own pages, and clients without an Origin', () => {
    expect(originAllowed('https://shop.example', ['https://shop.example'], 'chat.example')).toBe(true);
    expect(originAllowed('https://evil.example', ['https://shop.example'], 'chat.example')).toBe(false);
    expect(originAllowed('https://chat.example', ['https://shop.example'], 'chat.example')).toBe(true);
    expect(originAllowed(undefined, ['https://shop.example'], 'chat.example')).toBe(true);
    expect(originAllowed('https://any.example', [], 'chat.example')).toBe(true);
    expect(originAllowed('null', ['https://shop.example'], 'chat.example')).toBe(false);
  });

  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ allowedOrigins: ['https://shop.example'] });
  });
  afterAll(() => server.close());

  it('refuses a messenger connection from another site with origin_not_allowed', async () => {
    const err = await connectError(server.url, {}, { extraHeaders: { origin: 'https://evil.example' } });
    expect(err.data).toMatchObject({ code: 'origin_not_allowed', message: expect.stringContaining('https://evil.example') });
  });

  it('accepts the allowed site and the server\'s own demo page', async () => {
    const shop = await connectVisitor(server.url, {}, { extraHeaders: { origin: 'https://shop.example' } });
    expect(shop.session.contact.type).toBe('lead');
    shop.close();
    const own = await connectVisitor(server.url, {}, { extraHeaders: { origin: server.url } });
    own.close();
  });
});
