import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_LENGTH, MAX_HTTP_BODY_BYTES } from '../../protocol/limits.js';
import { http, sdk } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let contactId: string;
let conversationId: string;
beforeAll(async () => {
  server = await startServer();
  const fb = sdk(server);
  contactId = (await fb.users.contacts.createOrUpdate({ userId: 'input' }))!.id;
  conversationId = (await fb.support.conversations.create({ from: { type: 'contact', id: contactId }, bodyMarkdown: 'hi' })).id;
});
afterAll(() => server.close());

const expectError = (res: { status: number; json: any }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({ object: 'error', code, message: expect.any(String) });
};

describe('what the SDK cannot send', () => {
  it('answers 400 invalid_json to a malformed body', async () => {
    expectError(await http(server, 'POST', '/v2/contacts', { raw: '{"email": ', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
  });

  it('answers 400 invalid_payload naming the field for wrong types', async () => {
    const res = await http(server, 'POST', '/v2/contacts', { body: { email: 42, name: ['x'] } });
    expectError(res, 400, 'invalid_payload');
    expect(res.json.message).toContain('email');
    expectError(await http(server, 'POST', '/v2/contacts', { body: [] }), 400, 'invalid_payload');
    expectError(await http(server, 'POST', '/v2/contacts', { body: 'text' }), 400, 'invalid_payload');
    expectError(await http(server, 'POST', '/v2/contacts', { body: {} }), 400, 'invalid_payload');
    expectError(await http(server, 'POST', `/v2/contacts/${contactId}/block`, { body: { reason: 5 } }), 400, 'invalid_payload');
    expectError(await http(server, 'PATCH', `/v2/conversations/${conversationId}`, { body: { state: 'deleted' } }), 400, 'invalid_payload');
    expectError(await http(server, 'POST', `/v2/conversations/${conversationId}/reply`, { body: { type: 'robot', bodyMarkdown: 'x' } }), 400, 'invalid_payload');
    expectError(await http(server, 'POST', '/v2/conversations', { body: { from: { type: 'contact', id: 'zz' }, bodyMarkdown: 'x' } }), 400, 'invalid_payload');
  });

  it('answers 415 to a body that is not JSON', async () => {
    expectError(await http(server, 'POST', '/v2/contacts', { raw: 'email=a@b.c', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
  });

  it('answers 413 to an oversize body without reading it all', async () => {
    expectError(await http(server, 'POST', '/v2/contacts', { raw: JSON.stringify({ name: 'x'.repeat(MAX_HTTP_BODY_BYTES) }), headers: { 'content-type': 'application/json' } }), 413, 'payload_too_large');
  });

  it('answers 422 message_too_long to a body over the documented maximum and stores nothing', async () => {
    const res = await http(server, 'POST', `/v2/conversations/${conversationId}/reply`, {
      body: { type: 'contact', id: contactId, bodyMarkdown: 'x'.repeat(MAX_BODY_LENGTH + 1), messageType: 'reply' },
    });
    expectError(res, 422, 'message_too_long');
    const conv = await http(server, 'GET', `/v2/conversations/${conversationId}`);
    expect(conv.json.conversationParts).toHaveLength(1);
  });

  it('answers 400 to malformed ids and bad paging', async () => {
    expectError(await http(server, 'GET', '/v2/contacts/..%2F..%2Fetc'), 400, 'invalid_id');
    expectError(await http(server, 'GET', '/v2/conversations/abc'), 400, 'invalid_id');
    expectError(await http(server, 'GET', '/v2/conversations/0'), 400, 'invalid_id');
    expectError(await http(server, 'GET', '/v2/contacts?limit=0'), 400, 'invalid_payload');
    expectError(await http(server, 'GET', '/v2/contacts?limit=101'), 400, 'invalid_payload');
    expectError(await http(server, 'GET', '/v2/contacts?limit=abc'), 400, 'invalid_payload');
    expectError(await http(server, 'GET', '/v2/contacts?cursor=garbage'), 400, 'invalid_payload');
    expectError(await http(server, 'GET', '/v2/contacts?contactType=robots'), 400, 'invalid_payload');
  });

  it('answers 400 to a bad version header, 401 before anything else, 404/405 for unknown routes', async () => {
    expectError(await http(server, 'GET', '/v2/contacts', { headers: { 'featurebase-version': 'latest' } }), 400, 'unsupported_version');
    expectError(await http(server, 'GET', '/v2/contacts', { auth: false }), 401, 'unauthorized');
    expectError(await http(server, 'GET', '/v2/contacts', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized');
    expectError(await http(server, 'GET', '/v2/nothing'), 404, 'not_found');
    expectError(await http(server, 'PUT', `/v2/contacts/${contactId}`), 405, 'method_not_allowed');
  });

  it('keeps serving after all of the above', async () => {
    const res = await http(server, 'GET', `/v2/contacts/${contactId}`);
    expect(res.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
