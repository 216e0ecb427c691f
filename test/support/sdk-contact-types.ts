import * as v from 'valibot';

/**
 * featurebase-node's contact response types (src/resources/users/contacts/contacts.ts and
 * users/companies/companies.ts) as strict runtime schemas: a field the SDK declares required
 * that is missing, a wrong type, a `null` where it declares `field?: T`, or a field neither it
 * nor Parley's documented extensions declare, fails the parse. `expectSdkShape` names each problem.
 */

const isoTime = v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 timestamp'));
const record = v.record(v.string(), v.unknown());

/** `Company` (users/companies/companies.ts): every field present, nullable where declared. */
export const SdkCompany = v.strictObject({
  object: v.literal('company'),
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{24}$/)),
  companyId: v.string(),
  name: v.string(),
  companySize: v.nullable(v.number()),
  createdAt: v.nullable(isoTime),
  industry: v.nullable(v.string()),
  lastActivity: v.nullable(isoTime),
  linkedUsers: v.nullable(v.number()),
  monthlySpend: v.nullable(v.number()),
  plan: v.nullable(v.string()),
  updatedAt: v.nullable(isoTime),
  website: v.nullable(v.string()),
  customFields: v.optional(record),
});

/** `Contact` (users/contacts/contacts.ts), plus the extensions docs/API.md declares. */
export const SdkContact = v.strictObject({
  // Declared by the SDK.
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{24}$/)),
  name: v.string(),
  object: v.literal('contact'),
  type: v.picklist(['customer', 'lead']),
  commentsCreated: v.optional(v.number()),
  companies: v.optional(v.array(SdkCompany)),
  customFields: v.optional(record),
  description: v.optional(v.string()),
  email: v.optional(v.nullable(v.string())),
  lastActivity: v.optional(isoTime),
  locale: v.optional(v.string()),
  manuallyOptedOutFromChangelog: v.optional(v.boolean()),
  organizationId: v.optional(v.string()),
  postsCreated: v.optional(v.number()),
  profilePicture: v.optional(v.nullable(v.string())),
  roles: v.optional(v.array(v.string())),
  subscribedToChangelog: v.optional(v.boolean()),
  userId: v.optional(v.string()),
  verified: v.optional(v.boolean()),
  // Parley's extensions (docs/API.md, Contacts).
  createdAt: isoTime,
  blocked: v.boolean(),
  blockedAt: v.nullable(isoTime),
  blockedUntil: v.nullable(isoTime),
  mergedInto: v.optional(v.string()),
});

/** `DeletedContact`. */
export const SdkDeletedContact = v.strictObject({ id: v.string(), deleted: v.literal(true), object: v.literal('contact') });

/** `ContactBlockResponse` / `ContactUnblockResponse`. */
export const SdkContactBlockResponse = v.strictObject({ id: v.string(), blocked: v.literal(true), object: v.literal('contact') });
export const SdkContactUnblockResponse = v.strictObject({ id: v.string(), unblocked: v.literal(true), object: v.literal('contact') });

/** `ContactList` (the page `contacts.list()` fetches). */
export const SdkContactList = v.strictObject({ object: v.literal('list'), data: v.array(SdkContact), nextCursor: v.nullable(v.string()) });

/** `ContactSearchResponse`. */
export const SdkContactSearchResponse = v.strictObject({
  object: v.literal('list'),
  data: v.array(SdkContact),
  nextCursor: v.nullable(v.string()),
  totalCount: v.optional(v.number()),
  totalCountCapped: v.optional(v.boolean()),
});

/** Parses `value` against an SDK response schema; throws naming every problem (path: message). */
export function expectSdkShape<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const problems = result.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') || '(root)'}: ${i.message}`);
  throw new Error(`answer does not match the SDK type:\n  ${problems.join('\n  ')}\n${JSON.stringify(value, null, 2).slice(0, 2000)}`);
}
