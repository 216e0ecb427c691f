// Office hours and reply time, set by admins through the console API, reach the widget's
// session as the team's availability.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connectVisitor } from '../support/visitor.js';
import { createAgent, signIn } from '../support/agent.js';
import { availability } from '../../server/core/messenger-settings.js';

describe('messenger settings', () => {
  let server: TestServer;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    server = await startServer();
    await createAgent(server, 'lea@example.com', 'admin', 'Léa');
    await createAgent(server, 'sam@example.com', 'agent', 'Sam');
    admin = (await signIn(server, 'lea@example.com')).cookie;
    agent = (await signIn(server, 'sam@example.com')).cookie;
  });

  afterAll(() => server?.close());

  const put = (cookie: string, body: unknown) =>
    fetch(`${server.url}/console/api/messenger-settings`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(body) });

  it('computes office hours in the business time zone, and when they open next', () => {
    const s = { replyTime: null, timezone: 'Europe/Paris', hours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '18:00' })) };
    // Monday 2026-03-16 08:30 UTC is 09:30 in Paris (UTC+1): open.
    expect(availability(s, new Date('2026-03-16T08:30:00Z'))).toEqual({ open: true });
    // Friday 18:30 Paris: back Monday 09:00.
    expect(availability(s, new Date('2026-03-20T17:30:00Z'))).toEqual({ open: false, back: { day: 1, time: '09:00', timezone: 'Europe/Paris' } });
    // Tuesday 07:00 Paris: back the same day.
    expect(availability(s, new Date('2026-03-17T06:00:00Z'))).toEqual({ open: false, back: { day: 2, time: '09:00', timezone: 'Europe/Paris' } });
    expect(availability({ ...s, hours: [] }, new Date())).toEqual({ open: true });
  });

  it('admins set them; agents read but cannot write; bad values are refused', async () => {
    const tomorrow = (new Date().getUTCDay() + 1) % 7;
    const settings = { replyTime: 'hour', timezone: 'UTC', hours: [{ day: tomorrow, open: '09:00', close: '17:00' }] };
    expect((await put(agent, settings)).status).toBe(403);
    expect((await put(admin, { ...settings, timezone: 'Mars/Olympus' })).status).toBe(400);
    expect((await put(admin, { ...settings, hours: [{ day: 1, open: '9am', close: '17:00' }] })).status).toBe(400);
    const backwards = await put(admin, { ...settings, hours: [{ day: 1, open: '09:00', close: '17:00' }, { day: 2, open: '18:00', close: '09:00' }] });
    expect(backwards.status).toBe(400);
    expect((await backwards.json()).message).toBe('Invalid request: hours.1.close: must be after the opening time.');
    const ok = await put(admin, settings);
    expect(ok.status).toBe(200);
    expect(await (await fetch(`${server.url}/console/api/messenger-settings`, { headers: { cookie: agent } })).json()).toEqual(settings);
    expect((await fetch(`${server.url}/console/api/messenger-settings`)).status).toBe(401);

    const v = await connectVisitor(server.url);
    expect(v.session.team).toEqual({ names: ['Léa', 'Sam'], replyTime: 'hour', open: false, back: { day: tomorrow, time: '09:00', timezone: 'UTC' } });
    v.close();
  });
});
