import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sdk } from '../support/api.js';
import { connectAgent, createAgent, nextEvent, signIn, type AgentSocket } from '../support/agent.js';
import { startServer, type TestServer } from '../support/server.js';
import { DATABASE_URL, needPostgresAndRedis } from '../support/services.js';
import { Conversation, expectShape } from '../support/sdk-conversation-types.js';
import { connectVisitor } from '../support/visitor.js';
import { startReceiver } from '../support/webhook-receiver.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const later = <T extends { close(): unknown }>(x: T): T => {
  cleanups.push(async () => {
    await x.close();
  });
  return x;
};
/** Settings of processes sharing one fresh PostgreSQL schema (dropped after the test). */
function sharedDatabase() {
  const schema = `parley_snooze_${randomBytes(6).toString('hex')}`;
  cleanups.unshift(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  return { databaseUrl: DATABASE_URL, databaseSchema: schema, webhooksAllowPrivate: true, webhookDelivery: { maxAttempts: 3, retryBaseMs: 100, pollMs: 50 } };
}
const havePostgres = await needPostgresAndRedis('snooze across processes');

async function consoleSocket(server: TestServer, email: string): Promise<{ agentId: string; socket: AgentSocket }> {
  const agent = await createAgent(server, email, 'admin');
  const { cookie } = await signIn(server, email);
  return { agentId: agent.id, socket: later(await connectAgent(server, cookie)) };
}

describe('conversations.redact', () => {
  it('empties the part for good and takes it out of the visitor tabs and the consoles, live', async () => {
    const server = later(await startServer());
    const fb = sdk(server);
    const { agentId, socket: agent } = await consoleSocket(server, 'mod@example.com');
    const tab = later(await connectVisitor(server.url));
    const other = later(await connectVisitor(server.url, { visitorToken: tab.session.visitorToken }));
    const abusive = await tab.send('you are all idiots');
    const fine = await tab.send('sorry, my order 4211?');
    if (!abusive.ok || !fine.ok) throw new Error('send failed');
    const conversationId = abusive.message.conversationId;

    const pushes = Promise.all([tab.next('message:redacted'), other.next('message:redacted'), nextEvent(agent, 'message:redacted')]);
    const redacted = expectShape(Conversation, await fb.support.conversations.redact({
      type: 'conversation_part', conversationId, conversationPartId: abusive.message.id, actingAdminId: agentId,
    }));
    const part = redacted.conversationParts!.find((p) => p.id === abusive.message.id)!;
    expect(part).toMatchObject({ partType: 'user_msg', bodyMarkdown: '', bodyHtml: '', redacted: true });
    expect(redacted.conversationParts!.find((p) => p.id === fine.message.id)).toMatchObject({ bodyMarkdown: 'sorry, my order 4211?' });
    expect(redacted.conversationParts!.find((p) => p.id === fine.message.id)).not.toHaveProperty('redacted');

    const [toTab, toOtherTab, toConsole] = await pushes;
    expect(toTab).toEqual({ messageId: abusive.message.id, conversationId });
    expect(toOtherTab).toEqual(toTab);
    expect(toConsole.message).toMatchObject({ id: abusive.message.id, body: '', redacted: true });

    // Nowhere to be read again: the visitor's history, the console thread, the API, search.
    const history = await tab.history(null);
    expect(history.ok && history.messages.map((m) => m.body)).toEqual(['sorry, my order 4211?']);
    const thread = await agent.timeout(5000).emitWithAck('conversation:open', { conversationId });
    expect(JSON.stringify(thread)).not.toContain('idiots');
    expect(JSON.stringify(await fb.support.conversations.retrieve(conversationId))).not.toContain('idiots');
    expect((await fb.support.conversations.search({ search: 'idiots' })).data).toEqual([]);

    const audit = await fb.auditLogs.list({ action: 'data.user_data_deleted' });
    expect(audit.data[0]).toMatchObject({ resource: { type: 'conversation_part', id: abusive.message.id }, actor: { type: 'admin', id: agentId } });
    // Again: nothing more to remove, same answer, no second entry.
    await fb.support.conversations.redact({ type: 'conversation_part', conversationId, conversationPartId: abusive.message.id });
    expect((await fb.auditLogs.list({ action: 'data.user_data_deleted' })).data).toHaveLength(1);
  });

  it('refuses notes, unknown parts and unknown admins', async () => {
    const server = later(await startServer());
    const fb = sdk(server);
    const { agentId } = await consoleSocket(server, 'mod2@example.com');
    const tab = later(await connectVisitor(server.url));
    const sent = await tab.send('hello');
    if (!sent.ok) throw new Error('send failed');
    const conversationId = sent.message.conversationId;
    const note = await fb.support.conversations.reply(conversationId, { type: 'admin', id: agentId, bodyMarkdown: 'internal', messageType: 'note' });
    const redact = (conversationPartId: string, extra: object = {}) =>
      fb.support.conversations.redact({ type: 'conversation_part', conversationId, conversationPartId, ...extra });
    await expect(redact(note.id)).rejects.toMatchObject({ status: 400, error: { code: 'invalid_payload', message: expect.stringContaining('note') } });
    await expect(redact('abcdefabcdefabcdefabcdef')).rejects.toMatchObject({ status: 404, error: { code: 'conversation_part_not_found' } });
    await expect(fb.support.conversations.redact({ type: 'conversation_part', conversationId: '987654', conversationPartId: sent.message.id }))
      .rejects.toMatchObject({ status: 404, error: { code: 'conversation_not_found' } });
    await expect(redact(sent.message.id, { actingAdminId: 'abcdefabcdefabcdefabcdef' })).rejects.toMatchObject({ status: 404, error: { code: 'admin_not_found' } });
    expect((await fb.support.conversations.retrieve(conversationId)).conversationParts![0]).toMatchObject({ bodyMarkdown: 'hello' });
  });
});

describe.skipIf(!havePostgres)('a snooze ends by itself, woken by whichever process is running', () => {
  it('opens the conversation when the time comes, pushed to the console, with one webhook from two processes', async () => {
    const settings = sharedDatabase();
    const receiver = later(await startReceiver());
    const a = await startServer(settings);
    let aOpen = true;
    cleanups.push(async () => {
      if (aOpen) await a.close();
    });
    const b = later(await startServer({ ...settings, apiKey: a.apiKey, secret: a.secret }));
    const fbA = sdk(a);
    await fbA.webhooks.create({ name: 'snoozes', url: receiver.url, topics: ['conversation.admin.snoozed', 'conversation.admin.unsnoozed'] });
    const tab = later(await connectVisitor(a.url));
    const sent = await tab.send('call me back tomorrow');
    if (!sent.ok) throw new Error('send failed');
    const id = sent.message.conversationId;
    const { socket: consoleOnB } = await consoleSocket(b, 'night@example.com');

    // Snoozed on A, which then stops: B opens it when the time comes.
    const until = new Date(Date.now() + 4000).toISOString();
    await fbA.support.conversations.update(id, { state: 'snoozed', snoozedUntil: until });
    await receiver.next((h) => h.body.topic === 'conversation.admin.snoozed');
    // Not nextEvent (5 s): the push comes at the snooze's end, up to a sweep (1 s) after it.
    const woken = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the snooze did not end')), 15_000);
      consoleOnB.on('conversation:updated', ({ conversation }) => {
        if (conversation.id !== id || conversation.state !== 'open') return;
        clearTimeout(timer);
        resolve();
      });
    });
    await a.close();
    aOpen = false;
    expect(Date.now()).toBeLessThan(Date.parse(until));
    await woken;
    expect(expectShape(Conversation, await sdk(b).support.conversations.retrieve(id))).toMatchObject({ state: 'open', snoozedUntil: null });
    const hook = await receiver.next((h) => h.body.topic === 'conversation.admin.unsnoozed');
    expect(hook.body.data.changes).toEqual(expect.arrayContaining([{ field: 'state', oldValue: 'snoozed', newValue: 'open' }]));
    expect(Date.parse(hook.body.createdAt)).toBeGreaterThanOrEqual(Date.parse(until));
  });

  it('is woken exactly once when two processes sweep at the same moment', async () => {
    const settings = sharedDatabase();
    const receiver = later(await startReceiver());
    const a = later(await startServer(settings));
    const b = later(await startServer({ ...settings, apiKey: a.apiKey, secret: a.secret }));
    const fb = sdk(a);
    await fb.webhooks.create({ name: 'wake', url: receiver.url, topics: ['conversation.admin.unsnoozed'] });
    const contact = await fb.users.contacts.createOrUpdate({ userId: 'many-threads' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await fb.support.conversations.create({ from: { type: 'contact', id: contact!.id }, bodyMarkdown: `t${i}` })).id);
    const until = new Date(Date.now() + 3600_000).toISOString();
    for (const id of ids) await fb.support.conversations.update(id, { state: 'snoozed', snoozedUntil: until });
    // Both processes sweep at once, as if the hour had passed: each conversation is claimed by one.
    const after = new Date(Date.parse(until) + 1000).toISOString();
    const woken = await Promise.all([a.parley.core.conversations.wakeSnoozed(after), b.parley.core.conversations.wakeSnoozed(after)]);
    expect(woken[0] + woken[1]).toBe(5);
    for (const id of ids) await receiver.next((h) => h.body.data.item.id === id, 10_000);
    await expect.poll(() => a.parley.store.webhooks.countEvents()).toBe(0);
    const unsnoozed = receiver.received.filter((h) => h.body.topic === 'conversation.admin.unsnoozed').map((h) => h.body.data.item.id);
    expect(unsnoozed.sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await fb.support.conversations.retrieve(id)).state).toBe('open');
  });
});
