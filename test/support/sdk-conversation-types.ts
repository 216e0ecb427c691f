import type Featurebase from 'featurebase-node';
import * as v from 'valibot';

/**
 * Runtime schemas of featurebase-node's conversation, tag and admin response types, written
 * from its .d.ts: strict objects, so a missing field, a wrong type, a null where the SDK
 * declares `field?: T`, or a field the SDK does not declare fails. Each is checked at
 * compile time to produce the SDK's own type (see the assertions at the end).
 */

const str = v.string();
const nullableStr = v.nullable(str);
const iso = v.pipe(str, v.isoTimestamp());
const nullableIso = v.nullable(iso);
const list = <T extends v.GenericSchema>(item: T) => v.strictObject({ object: v.literal('list'), data: v.array(item), nextCursor: nullableStr });

export const ConversationTag = v.strictObject({ id: str, name: str, type: v.literal('tag') });

const participantType = v.picklist(['customer', 'lead', 'admin', 'bot', 'guest', 'integration']);
export const ConversationParticipant = v.strictObject({ id: str, type: participantType });

export const ConversationPartAuthor = v.strictObject({
  id: nullableStr,
  type: participantType,
  email: v.optional(str),
  name: v.optional(str),
  profilePicture: v.optional(nullableStr),
});

const channel = v.picklist(['unknown', 'desktop', 'android', 'ios', 'email', 'slack']);
const partBase = {
  object: v.literal('conversation_part'),
  id: str,
  bodyHtml: nullableStr,
  bodyMarkdown: nullableStr,
  createdAt: iso,
  updatedAt: iso,
  author: v.optional(v.nullable(ConversationPartAuthor)),
  redacted: v.optional(v.boolean()),
};
/** The part types Parley writes: `user_msg`, `admin_msg`, `admin_note` (no channel). */
export const ConversationPart = v.variant('partType', [
  v.strictObject({ ...partBase, partType: v.literal('user_msg'), channel }),
  v.strictObject({ ...partBase, partType: v.literal('admin_msg'), channel }),
  v.strictObject({ ...partBase, partType: v.literal('admin_note') }),
]);

const state = v.picklist(['open', 'closed', 'snoozed']);
export const Conversation = v.strictObject({
  object: v.literal('conversation'),
  id: str,
  adminAssigneeId: nullableStr,
  botConversationStateLastUpdatedAt: nullableStr,
  brandId: nullableStr,
  createdAt: iso,
  hasAdminOverriddenLanguage: v.boolean(),
  isBlocked: v.boolean(),
  lastActivityAt: nullableIso,
  participants: v.array(ConversationParticipant),
  priority: v.boolean(),
  prioritySetAt: nullableStr,
  snoozedUntil: nullableIso,
  state,
  tags: v.array(ConversationTag),
  teamAssigneeId: nullableStr,
  updatedAt: iso,
  userPreferredLanguage: str,
  waitingSince: nullableStr,
  conversationParts: v.optional(v.array(ConversationPart)),
  title: v.optional(str),
});
export const ConversationList = list(Conversation);

export const ConversationDeleteResponse = v.strictObject({ id: str, deleted: v.literal(true), object: v.literal('conversation') });

const actor = v.strictObject({
  type: v.picklist(['admin', 'customer', 'lead', 'bot', 'integration', 'system', 'workflow']),
  id: v.optional(nullableStr),
  name: v.optional(nullableStr),
});
export const AttachedConversationTag = v.strictObject({
  id: str,
  name: str,
  type: v.literal('tag'),
  appliedAt: v.optional(nullableIso),
  appliedBy: v.optional(v.nullable(actor)),
  removedAt: v.optional(nullableIso),
  removedBy: v.optional(v.nullable(actor)),
  targetPartId: v.optional(nullableStr),
});

export const SearchMatchingPartAuthor = v.strictObject({
  id: str,
  type: v.picklist(['admin', 'customer', 'lead', 'bot', 'guest', 'integration']),
  companies: v.optional(v.array(v.strictObject({ id: str, name: v.optional(str) }))),
  email: v.optional(nullableStr),
  name: v.optional(nullableStr),
  profilePicture: v.optional(nullableStr),
});
export const ConversationSearchRow = v.strictObject({
  object: v.literal('conversation'),
  id: str,
  adminAssigneeId: nullableStr,
  brandId: nullableStr,
  createdAt: iso,
  lastActivityAt: nullableIso,
  participants: v.array(ConversationParticipant),
  priority: v.boolean(),
  prioritySetAt: nullableStr,
  state,
  tags: v.array(ConversationTag),
  teamAssigneeId: nullableStr,
  updatedAt: iso,
  conversationUser: v.optional(v.nullable(SearchMatchingPartAuthor)),
  title: v.optional(str),
});
export const ConversationSearchResponse = v.strictObject({
  ...list(ConversationSearchRow).entries,
  totalCount: v.optional(v.number()),
  totalCountCapped: v.optional(v.boolean()),
});

export const ConversationTagListResponse = list(ConversationTag);
export const ConversationTagDeleteResponse = v.strictObject({ id: str, deleted: v.literal(true), object: v.literal('tag') });

export const Admin = v.strictObject({
  object: v.literal('admin'),
  id: str,
  email: v.optional(str),
  name: v.optional(str),
  profilePicture: v.optional(nullableStr),
  roleId: v.optional(str),
});
export const AdminListResponse = v.strictObject({
  ...list(Admin).entries,
  pagination: v.optional(v.strictObject({ limit: v.number(), page: v.number(), total: v.number(), totalPages: v.number() })),
});
/** The permissions Parley states (the SDK declares more, all optional). */
const permissions = v.strictObject({ manage_team_members: v.optional(v.boolean()), manage_users: v.optional(v.boolean()), view_users: v.optional(v.boolean()) });
export const AdminListRolesResponse = list(v.strictObject({ object: v.literal('admin_role'), id: str, name: str, permissions }));

/** Parses `value` against `schema`; throws naming every problem (path: message) otherwise. */
export function expectShape<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const problems = result.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? '(root)'}: ${i.message}`);
    throw new Error(`does not match the SDK type:\n  ${problems.join('\n  ')}\n${JSON.stringify(value, null, 2).slice(0, 2000)}`);
  }
  return result.output;
}

// Compile-time: every schema yields a value of the SDK's own declared type.
type Sdk = Featurebase;
type Answer<F extends (...args: any) => any> = Awaited<ReturnType<F>>;
type Conversations = Sdk['support']['conversations'];
type Assignable<A extends B, B> = A;
export type Checked = [
  Assignable<v.InferOutput<typeof Conversation>, Answer<Conversations['retrieve']>>,
  Assignable<v.InferOutput<typeof ConversationPart>, Answer<Conversations['reply']>>,
  Assignable<v.InferOutput<typeof ConversationDeleteResponse>, Answer<Conversations['delete']>>,
  Assignable<v.InferOutput<typeof AttachedConversationTag>, Answer<Conversations['attachTag']>>,
  Assignable<v.InferOutput<typeof ConversationSearchResponse>, Answer<Conversations['search']>>,
  Assignable<v.InferOutput<typeof ConversationTagListResponse>, Answer<Sdk['support']['conversationTags']['list']>>,
  Assignable<v.InferOutput<typeof ConversationTag>, Answer<Sdk['support']['conversationTags']['createOrRename']>>,
  Assignable<v.InferOutput<typeof ConversationTagDeleteResponse>, Answer<Sdk['support']['conversationTags']['delete']>>,
  Assignable<v.InferOutput<typeof Admin>, Answer<Sdk['organization']['admins']['retrieve']>>,
  Assignable<v.InferOutput<typeof AdminListResponse>, Answer<Sdk['organization']['admins']['list']>>,
  Assignable<v.InferOutput<typeof AdminListRolesResponse>, Answer<Sdk['organization']['admins']['listRoles']>>,
];
