import type { Kysely } from 'kysely';
import { blockSqlDialect, changeBlock, type BlockChange, type BlockPlan } from './block-sql.js';
import { Conn, type Dialect, type FastRead } from './dialect.js';
import { migrateToLatest, pendingMigrations } from './migrations.js';
import { AgentsRepository } from './repositories/agents.js';
import { AuditRepository } from './repositories/audit.js';
import { CompaniesRepository } from './repositories/companies.js';
import { ContactsRepository } from './repositories/contacts.js';
import { ConversationsRepository, type Appender } from './repositories/conversations.js';
import { TagsRepository } from './repositories/tags.js';
import { SavedRepliesRepository } from './repositories/saved-replies.js';
import { TimelineRepository } from './repositories/timeline.js';
import { FollowupsRepository } from './repositories/followups.js';
import { ReceiptsRepository } from './repositories/receipts.js';
import { SettingsRepository } from './repositories/settings.js';
import { InvitesRepository } from './repositories/invites.js';
import { ProtectionRepository } from './repositories/protection.js';
import { WebhooksRepository } from './repositories/webhooks.js';
import type { Database } from './schema.js';
import type { Repositories, SetBlockedInput, Store } from './store.js';
import { kyselySteps, type StepRunner } from './step-runner.js';

const appendInTransaction: Appender = {
  append: () => Promise.reject(new Error('appendMessage runs in its own transaction, not inside store.transaction()')),
};

function repositories(c: Conn, appender: Appender): Repositories {
  return {
    contacts: new ContactsRepository(c),
    companies: new CompaniesRepository(c),
    conversations: new ConversationsRepository(c, appender),
    agents: new AgentsRepository(c),
    webhooks: new WebhooksRepository(c),
    audit: new AuditRepository(c),
    tags: new TagsRepository(c),
    protection: new ProtectionRepository(c),
    timeline: new TimelineRepository(c),
    savedReplies: new SavedRepliesRepository(c),
    followups: new FollowupsRepository(c),
    receipts: new ReceiptsRepository(c),
    settings: new SettingsRepository(c),
    invites: new InvitesRepository(c),
  };
}

export interface KyselyStoreParts {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The dialect's message append (the hot path). */
  appender: Appender;
  /** Where the block lock's statements run (default: through Kysely). */
  steps?: StepRunner;
  /** Where the page view's hot reads run outside transactions (default: through Kysely; see hot-reads.ts). */
  fastRead?: FastRead;
  /** PostgreSQL schema holding the tables, if not the default. */
  schema?: string | null;
  /** Releases what the driver holds (after Kysely is destroyed). */
  onClose?: () => Promise<void> | void;
}

/** The store: repositories over one Kysely instance, for SQLite or PostgreSQL alike. */
export class KyselyStore implements Store {
  readonly kind: Dialect['kind'];
  readonly db: Kysely<Database>;
  readonly schema: string | null;
  readonly contacts: ContactsRepository;
  readonly companies: CompaniesRepository;
  readonly conversations: ConversationsRepository;
  readonly agents: AgentsRepository;
  readonly webhooks: WebhooksRepository;
  readonly audit: AuditRepository;
  readonly tags: TagsRepository;
  readonly protection: ProtectionRepository;
  readonly timeline: TimelineRepository;
  readonly savedReplies: SavedRepliesRepository;
  readonly followups: FollowupsRepository;
  readonly receipts: ReceiptsRepository;
  readonly settings: SettingsRepository;
  readonly invites: InvitesRepository;
  private closed = false;
  private readonly steps: StepRunner;

  constructor(private readonly parts: KyselyStoreParts) {
    this.kind = parts.dialect.kind;
    this.db = parts.db;
    this.schema = parts.schema ?? null;
    this.steps = parts.steps ?? kyselySteps(parts.db, parts.dialect);
    const r = repositories(new Conn(parts.db, parts.dialect, false, parts.fastRead ?? null), parts.appender);
    this.contacts = r.contacts;
    this.companies = r.companies;
    this.conversations = r.conversations;
    this.agents = r.agents;
    this.webhooks = r.webhooks;
    this.audit = r.audit;
    this.tags = r.tags;
    this.protection = r.protection;
    this.timeline = r.timeline;
    this.savedReplies = r.savedReplies;
    this.followups = r.followups;
    this.receipts = r.receipts;
    this.settings = r.settings;
    this.invites = r.invites;
  }

  migrate(): Promise<void> {
    return migrateToLatest(this.db, this.parts.dialect, this.schema ?? undefined);
  }

  pendingMigrations(): Promise<number> {
    return pendingMigrations(this.db, this.parts.dialect);
  }

  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    return new Conn(this.db, this.parts.dialect).tx((c) => fn(repositories(c, appendInTransaction)));
  }

  changeBlock(input: SetBlockedInput, plan: BlockPlan): Promise<BlockChange | null> {
    return this.steps(() => changeBlock(input, plan, blockSqlDialect(this.parts.dialect)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.parts.onClose?.();
  }
}
