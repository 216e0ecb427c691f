import * as v from 'valibot';
import { ConversationId, Email, MessageBody, ObjectId, shortText } from './ids.js';
import { IsoDateTime, PageQuery } from './query.js';

/**
 * REST `/v2` request schemas (bodies, query strings, path parameters): validated at the
 * edge, described in `GET /v2/openapi.json`, and the source of the handlers' input types.
 * Bodies and queries are loose: fields the SDK sends that Parley does not use are ignored.
 */

const plainRecord = v.record(v.pipe(v.string(), v.maxLength(100)), v.unknown());
const note = v.optional(v.nullable(shortText(500)));
const userId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(255));

export const ContactParams = v.object({ id: ObjectId });
export const ConversationParams = v.object({ id: ConversationId });
export const WebhookParams = v.object({ id: ObjectId });

export const ContactListQuery = v.looseObject({
  ...PageQuery.entries,
  contactType: v.optional(v.picklist(['customer', 'lead', 'all'], 'must be customer, lead or all'), 'customer'),
});

export const ByUserIdParams = v.object({ userId });

/** A company in `createOrUpdate` (featurebase-node `ContactCreateOrUpdateParams.Company`): `id` is the business's own. */
const CompanyUpsert = v.looseObject({
  id: userId,
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(255)),
  companySize: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000)))),
  industry: v.optional(shortText(255)),
  website: v.optional(shortText(2048)),
  plan: v.optional(shortText(255)),
  monthlySpend: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  customFields: v.optional(plainRecord),
  createdAt: v.optional(v.nullable(IsoDateTime)),
  /** Accepted for Featurebase compatibility and ignored, as `userHash` is. */
  companyHash: v.optional(shortText(128)),
});

/** A field the SDK may send that Parley does not support: refused naming it, never dropped silently. */
const unsupported = (why: string) => v.optional(v.never(`is not supported by Parley: ${why}; leave it out`));

export const ContactUpsert = v.looseObject({
  userId: v.optional(userId),
  email: v.optional(Email),
  name: v.optional(shortText(255)),
  profilePicture: v.optional(v.nullable(shortText(2048))),
  customFields: v.optional(plainRecord),
  companies: v.optional(v.pipe(v.array(CompanyUpsert), v.maxLength(50, 'must list at most 50 companies'))),
  locale: v.optional(shortText(35)),
  /** When the contact was created in the business's system. */
  createdAt: v.optional(v.nullable(IsoDateTime)),
  phone: unsupported('phone numbers are not stored'),
  roles: unsupported('contacts have no roles'),
  subscribedToChangelog: unsupported('there is no changelog to subscribe to'),
  /** Accepted for Featurebase compatibility and ignored: REST callers hold the API key. */
  userHash: v.optional(shortText(128)),
});

const SEARCH_SORTS = ['lastActivity', 'createdAt', 'postsCreated', 'commentsCreated', 'last_activity', 'created_at', 'posts_created', 'comments_created']
  .flatMap((axis) => [`${axis}:desc`, `${axis}:asc`]);
/** The SDK's search filter AST (`SearchFilter`), shared by contacts and conversations search; the core checks fields and operators. */
const SearchValue = v.union([
  v.pipe(v.string(), v.maxLength(255)), v.number(), v.boolean(), v.null(),
  v.pipe(v.array(v.union([v.pipe(v.string(), v.maxLength(255)), v.number()])), v.maxLength(100, 'must list at most 100 values')),
], 'must be a string, number, boolean, null or a list of strings or numbers');
const SearchClause = v.object({
  field: v.pipe(v.string(), v.maxLength(100)),
  operator: v.picklist(['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<=', '~', '!~', '^', '$'], 'must be one of = != IN NIN > < >= <= ~ !~ ^ $'),
  value: SearchValue,
});
export type SearchClauseInput = v.InferOutput<typeof SearchClause>;
const SearchGroup = v.object({
  operator: v.picklist(['AND', 'OR'], 'must be AND or OR'),
  value: v.pipe(v.array(SearchClause), v.minLength(1, 'must hold at least one clause'), v.maxLength(15, 'must hold at most 15 clauses')),
});

/** `POST /v2/contacts/search` (featurebase-node `ContactSearchParams`). */
export const ContactSearchBody = v.object({
  query: v.optional(v.union([SearchClause, SearchGroup], 'must be a clause {field, operator, value} or a group {operator, value: [clauses]}')),
  sort: v.optional(v.picklist(SEARCH_SORTS, `must be one of ${SEARCH_SORTS.join(', ')}`), 'lastActivity:desc'),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'must be from 1 to 100'), v.maxValue(100, 'must be from 1 to 100')), 10),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(512))),
});

export const BlockBody = v.optional(v.looseObject({
  reason: note,
  /** Parley extension: the block ends then (null: permanent). */
  expiresAt: v.optional(v.nullable(IsoDateTime)),
  /** Parley extension: also block new leads from the contact's last IP address and device. */
  scope: v.optional(v.picklist(['contact', 'device_and_ip'], 'must be contact or device_and_ip')),
  ipBlockMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(525_600, 'must be at most a year (525600)'))),
}), {});

export const UnblockBody = v.optional(v.looseObject({ reason: note }), {});

export const ConversationCreate = v.looseObject({
  bodyMarkdown: MessageBody,
  from: v.variant('type', [
    v.looseObject({ type: v.literal('contact'), id: ObjectId }),
    v.looseObject({ type: v.literal('admin'), id: ObjectId }),
  ]),
  channel: v.optional(v.picklist(['desktop', 'email'])),
  subject: v.optional(shortText(255)),
  recipients: v.optional(v.looseObject({
    to: v.looseObject({ ids: v.optional(v.array(ObjectId)), emails: v.optional(v.array(v.string())) }),
  })),
});

export const ConversationUpdate = v.looseObject({
  state: v.optional(v.picklist(['open', 'closed', 'snoozed'])),
  title: v.optional(shortText(255)),
  adminAssigneeId: v.optional(v.nullable(ObjectId)),
  /** With state `snoozed` (or alone): when the conversation opens again by itself. */
  snoozedUntil: v.optional(v.nullable(IsoDateTime)),
  /** Checked to be an active admin (the change is not attributed further). */
  actingAdminId: v.optional(ObjectId),
  /** Parley has no teams: only null (no team) is accepted. */
  teamAssigneeId: v.optional(v.null('is not supported by Parley: there are no teams, only null is accepted')),
  customAttributes: unsupported('conversations have no custom attributes'),
  markAsRead: unsupported('read markers belong to console agents'),
});

export const ConversationRedact = v.looseObject({
  type: v.literal('conversation_part', 'must be "conversation_part"'),
  conversationId: ConversationId,
  conversationPartId: ObjectId,
  actingAdminId: v.optional(ObjectId),
});

export const AdminParams = v.object({ id: ObjectId });
export const TagParams = v.object({ id: ObjectId });
export const ConversationTagParams = v.object({ id: ConversationId, tagId: ObjectId });
export const TagAttach = v.looseObject({ tagId: ObjectId, actingAdminId: ObjectId });
export const TagDetach = v.looseObject({ actingAdminId: ObjectId });
export const TagUpsert = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters')),
  id: v.optional(ObjectId),
  actingAdminId: v.optional(ObjectId),
});

/** `POST /v2/conversations/search`: the SDK's filter AST (one clause or one group), text, sort and cursor. */
export const ConversationSearchBody = v.looseObject({
  query: v.optional(v.union([SearchClause, SearchGroup], 'must be a clause {field, operator, value} or a group {operator, value: [clauses]}')),
  search: v.optional(shortText(200)),
  sort: v.optional(v.picklist(['lastActivityAt:desc', 'lastActivityAt:asc', 'last_activity_at:desc', 'last_activity_at:asc'])),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'must be from 1 to 100'), v.maxValue(100, 'must be from 1 to 100')), 10),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(200))),
  include: unsupported('conversations have no custom attributes'),
});

export const ConversationReply = v.variant('type', [
  v.looseObject({
    type: v.literal('contact'),
    id: v.optional(ObjectId),
    userId: v.optional(userId),
    bodyMarkdown: MessageBody,
    messageType: v.literal('reply'),
  }),
  v.looseObject({
    type: v.literal('admin'),
    id: ObjectId,
    bodyMarkdown: MessageBody,
    messageType: v.picklist(['reply', 'note']),
  }),
]);

const headerName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name'));
const RequestConfig = v.looseObject({
  headers: v.optional(v.pipe(
    v.record(headerName, v.pipe(v.string(), v.maxLength(1000), v.regex(/^[^\r\n]*$/, 'must be one line'))),
    v.check((h) => Object.keys(h).length <= 10, 'must have at most 10 headers'),
  )),
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(30_000))),
});
const webhookName = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100));
const webhookUrl = v.pipe(v.string(), v.maxLength(2048));
const topics = v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.minLength(1, 'must name at least one topic'), v.maxLength(50));

export const WebhookListQuery = v.looseObject({
  ...PageQuery.entries,
  status: v.optional(v.picklist(['active', 'paused', 'suspended'], 'must be active, paused or suspended')),
});

export const WebhookCreate = v.looseObject({
  name: webhookName,
  url: webhookUrl,
  description: note,
  topics,
  requestConfig: v.optional(RequestConfig),
});

export const WebhookUpdate = v.looseObject({
  name: v.optional(webhookName),
  url: v.optional(webhookUrl),
  description: note,
  topics: v.optional(topics),
  status: v.optional(v.picklist(['active', 'paused'], 'must be active or paused')),
  requestConfig: v.optional(RequestConfig),
});

const auditName = (example: string) => v.optional(v.pipe(
  v.string(),
  v.regex(/^([a-z_]{1,40}(\.[a-z_]{1,60})?)?$/, `must look like ${example}`),
  v.transform((s) => s || undefined),
));

// An empty date in a query string means no bound, as an absent one does.
const dateQuery = v.pipe(v.optional(v.union([v.literal(''), IsoDateTime])), v.transform((d) => d || undefined));

export const AuditLogQuery = v.looseObject({
  ...PageQuery.entries,
  action: auditName('domain.verb, e.g. security.user_banned'),
  domain: auditName('a domain name, e.g. security'),
  startDate: dateQuery,
  endDate: dateQuery,
});
