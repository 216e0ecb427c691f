import { describe, expect, it } from 'vitest';
import { leadConversation, storePerTest, type Backend } from './backend.js';

/** Conversation tags: the catalog (unique names) and the tags each conversation carries. Run on every backend unchanged. */
export function runTagsContract(backend: Backend) {
  describe(`tags repository: ${backend.name}`, () => {
    const db = storePerTest(backend);

    const conversation = () => leadConversation(db());

    it('creates tags with unique names, renames, lists by name and deletes', async () => {
      const b = (await db().tags.create('billing'))!;
      const a = (await db().tags.create('abuse'))!;
      expect(b).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'billing', createdAt: expect.any(String) });
      expect(await db().tags.create('billing')).toBeNull();
      expect(await db().tags.rename(b.id, 'abuse')).toBe('taken');
      expect(await db().tags.rename('ffffffffffffffffffffffff', 'x')).toBe('missing');
      expect(await db().tags.rename(b.id, 'Billing')).toMatchObject({ id: b.id, name: 'Billing' });
      expect((await db().tags.list()).map((t) => t.name)).toEqual(['Billing', 'abuse']);
      expect(await db().tags.count()).toBe(2);
      expect(await db().tags.get(a.id)).toMatchObject({ name: 'abuse' });
      expect(await db().tags.delete(a.id)).toBe(true);
      expect(await db().tags.delete(a.id)).toBe(false);
      expect(await db().tags.get(a.id)).toBeNull();
    });

    it('attaches once, detaches, lists per conversation; deleting a tag or a conversation removes the link', async () => {
      const [one, two] = [await conversation(), await conversation()];
      const spam = (await db().tags.create('spam'))!;
      const vip = (await db().tags.create('vip'))!;
      const first = await db().tags.attach(one, spam.id, 'a'.repeat(24));
      expect(first).toMatchObject({ id: spam.id, name: 'spam', appliedBy: 'a'.repeat(24), appliedAt: expect.any(String) });
      expect(await db().tags.attach(one, spam.id, 'b'.repeat(24))).toEqual(first);
      await db().tags.attach(one, vip.id, null);
      await db().tags.attach(two, vip.id, null);
      expect(await db().tags.attach(one, 'ffffffffffffffffffffffff', null)).toBeNull();
      expect(await db().tags.attach('987654', spam.id, null)).toBeNull();
      const of = await db().tags.of([one, two, '987654']);
      expect(of.get(one)!.map((t) => t.name)).toEqual(['spam', 'vip']);
      expect(of.get(two)!.map((t) => t.name)).toEqual(['vip']);
      expect(of.get('987654')).toEqual([]);
      expect(await db().tags.detach(one, spam.id)).toMatchObject({ id: spam.id });
      expect(await db().tags.detach(one, spam.id)).toBeNull();
      await db().tags.delete(vip.id);
      expect((await db().tags.of([one, two])).get(two)).toEqual([]);
      await db().tags.attach(two, spam.id, null);
      await db().conversations.delete(two);
      expect((await db().tags.of([two])).get(two)).toEqual([]);
    });
  });
}
