// Agents' pictures in the widget's team header: the session's team carries them by name.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, signIn } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('team pictures', () => {
  it('gives each named agent its picture path, or null for initials, in the same order', async () => {
    await createAgent(server, 'ada@example.com', 'admin', 'Ada');
    await createAgent(server, 'bob@example.com', 'agent', 'Bob');
    const cookie = (await signIn(server, 'bob@example.com')).cookie;
    const image = (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#1c7ed6' } }).png().toBuffer()).toString('base64');
    const up = await fetch(`${server.url}/console/api/me/avatar`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ image }) });
    const avatarUrl: string = (await up.json()).agent.avatarUrl;
    expect(avatarUrl).toMatch(/^\/console\/api\/avatars\//);
    // The team is read once the first visitor connects (then cached): after the upload here.
    const v = await connectVisitor(server.url);
    const team = v.session.team!;
    expect(team.avatars).toHaveLength(team.names.length);
    expect(Object.fromEntries(team.names.map((n, i) => [n, team.avatars![i]]))).toEqual({ Ada: null, Bob: avatarUrl });
    // The path serves the picture to any page (the widget shows it with alt="").
    const img = await fetch(server.url + avatarUrl, { headers: { origin: 'https://shop.example' } });
    expect([img.status, img.headers.get('content-type'), img.headers.get('cross-origin-resource-policy')]).toEqual([200, 'image/webp', 'cross-origin']);
    v.close();
  });
});
