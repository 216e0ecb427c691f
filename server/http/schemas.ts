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

const isoDate = v.pipe(v.string(), v.maxLength(40), v.isoTimestamp('must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z'));

export const BlockBody = v.looseObject({
  reason: v.optional(v.nullable(shortText(500))),
  /** Parley extension: the block ends then (null: permanent). */
  expiresAt: v.optional(v.nullable(isoDate)),
  /** Parley extension: also block new leads from the contact's last IP address and device. */
  scope: v.optional(v.picklist(['contact', 'device_and_ip'], 'must be contact or device_and_ip')),
  ipBlockMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(525_600, 'must be at most a year (525600)'))),
});

export const UnblockBody = v.looseObject({
  reason: v.optional(v.nullable(shortText(500))),
});

const headerName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name'));
const RequestConfig = v.looseObject({
  headers: v.optional(v.pipe(
    v.record(headerName, v.pipe(v.string(), v.maxLength(1000), v.regex(/^[^\r\n]*$/, 'must be one line'))),
    v.check((h) => Object.keys(h).length <= 10, 'must have at most 10 headers'),
  )),
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(30_000))),
});
const topics = v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.minLength(1, 'must name at least one topic'), v.maxLength(50));

export const WebhookCreate = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100)),
  url: v.pipe(v.string(), v.maxLength(2048)),
  description: v.optional(v.nullable(shortText(500))),
  topics,
  requestConfig: v.optional(RequestConfig),
});

export const WebhookUpdate = v.looseObject({
  name: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100))),
  url: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  description: v.optional(v.nullable(shortText(500))),
  topics: v.optional(topics),
  status: v.optional(v.picklist(['active', 'paused'], 'must be active or paused')),
  requestConfig: v.optional(RequestConfig),
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
