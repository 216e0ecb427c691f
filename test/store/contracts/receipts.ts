import { describe, expect, it } from 'vitest';
import { storePerTest, type Backend } from './backend.js';

/** Read receipts: the visitor's marker moves forward only, on its own messages; agents' reads as seen from the contact. */
export function runReceiptsContract(backend: Backend) {
  describe(`receipts repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    it("moves the visitor's marker forward only, and only to the contact's own messages", async () => {
      const c = await db().contacts.create({ type: 'lead' });
      const other = await db().contacts.create({ type: 'lead' });
      const first = await db().conversations.appendMessage({ authorType: 'lead', authorId: c.id, body: 'hi', messageType: 'reply', newConversation: true });
      if (first.status !== 'stored') throw new Error(first.status);
      const conv = first.conversation.id;
      const reply = await db().conversations.appendMessage({ conversationId: conv, authorType: 'admin', authorId: 'a'.repeat(24), body: 'hello', messageType: 'reply' });
      if (reply.status !== 'stored') throw new Error(reply.status);
      expect(await db().receipts.visitorRead(conv)).toBeNull();
      expect(await db().receipts.markVisitorRead(other.id, reply.message.id)).toBeNull();
      expect(await db().receipts.markVisitorRead(c.id, reply.message.id)).toMatchObject({ conversationId: conv, messageId: reply.message.id, readAt: expect.any(String) });
      expect(await db().receipts.markVisitorRead(c.id, reply.message.id)).toBeNull(); // not forward: nothing written
      expect(await db().receipts.markVisitorRead(c.id, first.message.id)).toBeNull();
      expect(await db().receipts.visitorRead(conv)).toMatchObject({ messageId: reply.message.id });
      expect(await db().receipts.visitorRead('not-an-id')).toBeNull();
      expect(await db().receipts.latestMessageId(conv)).toBe(reply.message.id);
    });

    it("says up to which of the contact's messages some agent has read", async () => {
      const c = await db().contacts.create({ type: 'lead' });
      const a = await db().conversations.appendMessage({ authorType: 'lead', authorId: c.id, body: 'one', messageType: 'reply', newConversation: true });
      if (a.status !== 'stored') throw new Error(a.status);
      expect(await db().receipts.agentsReadUpTo(c.id)).toBeNull();
      const agent = await db().agents.create({ email: 'reader@example.com', name: 'Reader', role: 'agent', passwordHash: 'scrypt$x' });
      await db().conversations.markRead(agent.id, a.conversation.id);
      expect(await db().receipts.agentsReadUpTo(c.id)).toBe(a.message.id);
      const b = await db().conversations.appendMessage({ conversationId: a.conversation.id, authorType: 'lead', authorId: c.id, body: 'two', messageType: 'reply' });
      if (b.status !== 'stored') throw new Error(b.status);
      expect(await db().receipts.agentsReadUpTo(c.id)).toBe(a.message.id);
    });
  });
}
