import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../server/store/store.js';
import type { Backend } from './backend.js';

/** Conversation tags: the catalog (unique names) and the tags each conversation carries. Run on every backend unchanged. */
export function runTagsContract(backend: Backend) {
  describe(`tags repository: ${backend.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await backend.open();
    });
    afterEach(async () => {
      await store.close();
      await backend.cleanup?.(store);
    });

    const conversation = async () => {
      const c = await store.contacts.create({ type: 'lead' });
      const r = await store.conversations.appendMessage({ authorType: 'lead', authorId: c.id, body: 'hi', messageType: 'reply', newConversation: true });
      if (r.status !== 'stored') throw new Error(r.status);
      return r.conversation.id;
    };

    it('creates tags with unique names, renames, lists by name and deletes', async () => {
      const b = (await store.tags.create('billing'))!;
      const a = (await store.tags.create('abuse'))!;
      expect(b).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'billing', createdAt: expect.any(String) });
      expect(await store.tags.create('billing')).toBeNull();
      expect(await store.tags.rename(b.id, 'abuse')).toBe('taken');
      expect(await store.tags.rename('ffffffffffffffffffffffff', 'x')).toBe('missing');
      expect(await store.tags.rename(b.id, 'Billing')).toMatchObject({ id: b.id, name: 'Billing' });
      expect((await store.tags.list()).map((t) => t.name)).toEqual(['Billing', 'abuse']);
      expect(await store.tags.count()).toBe(2);
      expect(await store.tags.get(a.id)).toMatchObject({ name: 'abuse' });
      expect(await store.tags.delete(a.id)).toBe(true);
      expect(await store.tags.delete(a.id)).toBe(false);
      expect(await store.tags.get(a.id)).toBeNull();
    });

    it('attaches once, detaches, lists per conversation; deleting a tag or a conversation removes the link', async () => {
      const [one, two] = [await conversation(), await conversation()];
      const spam = (await store.tags.create('spam'))!;
      const vip = (await store.tags.create('vip'))!;
      const first = await store.tags.attach(one, spam.id, 'a'.repeat(24));
      expect(first).toMatchObject({ id: spam.id, name: 'spam', appliedBy: 'a'.repeat(24), appliedAt: expect.any(String) });
      expect(await store.tags.attach(one, spam.id, 'b'.repeat(24))).toEqual(first);
      await store.tags.attach(one, vip.id, null);
      await store.tags.attach(two, vip.id, null);
      expect(await store.tags.attach(one, 'ffffffffffffffffffffffff', null)).toBeNull();
      expect(await store.tags.attach('987654', spam.id, null)).toBeNull();
      const of = await store.tags.of([one, two, '987654']);
      expect(of.get(one)!.map((t) => t.name)).toEqual(['spam', 'vip']);
      expect(of.get(two)!.map((t) => t.name)).toEqual(['vip']);
      expect(of.get('987654')).toEqual([]);
      expect(await store.tags.detach(one, spam.id)).toMatchObject({ id: spam.id });
      expect(await store.tags.detach(one, spam.id)).toBeNull();
      await store.tags.delete(vip.id);
      expect((await store.tags.of([one, two])).get(two)).toEqual([]);
      await store.tags.attach(two, spam.id, null);
      await store.conversations.delete(two);
      expect((await store.tags.of([two])).get(two)).toEqual([]);
    });
  });
}
