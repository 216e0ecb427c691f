import { describe, expect, it } from 'vitest';
import { http, serverWithSdk } from '../support/api.js';
import { expectSdkShape, SdkContact, SdkDeletedContact } from '../support/sdk-contact-types.js';
import { connectVisitor } from '../support/visitor.js';

const t = serverWithSdk();

describe('contacts by the business\'s own user id (byUserID)', () => {
  it('retrieves the customer with that userId, any characters included, as retrieve(id) does', async () => {
    for (const userId of ['usr_12345', 'team/ä b?c#1', '42']) {
      const c = await t.fb.users.contacts.createOrUpdate({ userId, name: `N ${userId}` });
      const found = expectSdkShape(SdkContact, await t.fb.users.contacts.byUserID.retrieve(userId));
      expect(found).toEqual(await t.fb.users.contacts.retrieve(c!.id));
    }
  });

  it('answers 404 contact_not_found for an unknown userId and never finds a lead', async () => {
    await expect(t.fb.users.contacts.byUserID.retrieve('nobody')).rejects.toMatchObject({ status: 404, error: { code: 'contact_not_found' } });
    await expect(t.fb.users.contacts.byUserID.delete('nobody')).rejects.toMatchObject({ status: 404, error: { code: 'contact_not_found' } });
    const lead = await connectVisitor(t.server.url);
    // A lead has no userId to be found by; its id is not a userId either.
    await expect(t.fb.users.contacts.byUserID.retrieve(lead.session.contact.id)).rejects.toMatchObject({ status: 404 });
    lead.close();
  });

  it('deletes the customer with that userId and its conversations, then answers 404', async () => {
    const c = await t.fb.users.contacts.createOrUpdate({ userId: 'leaving-user' });
    const conversation = await t.fb.support.conversations.create({ from: { type: 'contact', id: c!.id }, bodyMarkdown: 'hi' });
    expect(expectSdkShape(SdkDeletedContact, await t.fb.users.contacts.byUserID.delete('leaving-user'))).toEqual({ id: c!.id, object: 'contact', deleted: true });
    await expect(t.fb.users.contacts.retrieve(c!.id)).rejects.toMatchObject({ status: 404 });
    await expect(t.fb.users.contacts.byUserID.retrieve('leaving-user')).rejects.toMatchObject({ status: 404 });
    await expect(t.fb.support.conversations.retrieve(conversation.id)).rejects.toMatchObject({ status: 404 });
  });

  it('is nova-only, refuses an over-long userId, and needs the API key', async () => {
    await t.fb.users.contacts.createOrUpdate({ userId: 'versioned-user' });
    await expect(t.fb.users.contacts.byUserID.delete('versioned-user', { 'Featurebase-Version': '2025-12-12.clover' })).rejects.toMatchObject({ status: 400, error: { code: 'version_not_available' } });
    expect((await t.fb.users.contacts.byUserID.retrieve('versioned-user'))!.userId).toBe('versioned-user');
    expect((await http(t.server, 'GET', `/v2/contacts/by-user-id/${'x'.repeat(256)}`)).status).toBe(400);
    expect((await http(t.server, 'GET', '/v2/contacts/by-user-id/versioned-user', { auth: false })).status).toBe(401);
  });
});
