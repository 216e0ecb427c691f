import * as v from 'valibot';
import { MAX_BODY_LENGTH } from '../../protocol/limits.js';

const objectId = v.pipe(v.string(), v.regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id'));
const shortText = (max: number) => v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`));
// The length rule itself lives in the core (message_too_long); this only caps what we parse.
const body = v.pipe(v.string(), v.maxLength(MAX_BODY_LENGTH * 4, 'is far too long'));
const plainRecord = v.record(v.pipe(v.string(), v.maxLength(100)), v.unknown());

export const ContactUpsert = v.looseObject({
  userId: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(255))),
  email: v.optional(v.pipe(v.string(), v.maxLength(320), v.email('must be an email address'))),
  name: v.optional(shortText(255)),
  profilePicture: v.optional(v.nullable(shortText(2048))),
  customFields: v.optional(plainRecord),
  companies: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(50))),
  locale: v.optional(shortText(35)),
  userHash: v.optional(shortText(128)),
});

export const BlockBody = v.looseObject({
  reason: v.optional(v.nullable(shortText(500))),
});

export const ConversationCreate = v.looseObject({
  bodyMarkdown: body,
  from: v.variant('type', [
    v.looseObject({ type: v.literal('contact'), id: objectId }),
    v.looseObject({ type: v.literal('admin'), id: objectId }),
  ]),
  channel: v.optional(v.picklist(['desktop', 'email'])),
  subject: v.optional(shortText(255)),
  recipients: v.optional(v.looseObject({
    to: v.looseObject({ ids: v.optional(v.array(objectId)), emails: v.optional(v.array(v.string())) }),
  })),
});

export const ConversationUpdate = v.looseObject({
  state: v.optional(v.picklist(['open', 'closed', 'snoozed'])),
  title: v.optional(shortText(255)),
  adminAssigneeId: v.optional(v.nullable(objectId)),
});

export const ConversationReply = v.variant('type', [
  v.looseObject({
    type: v.literal('contact'),
    id: v.optional(objectId),
    userId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
    bodyMarkdown: body,
    messageType: v.literal('reply'),
  }),
  v.looseObject({
    type: v.literal('admin'),
    id: objectId,
    bodyMarkdown: body,
    messageType: v.picklist(['reply', 'note']),
  }),
]);

export { parse } from '../validation.js';
