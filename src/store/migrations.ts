/**
 * Versioned schema migrations, kept in code so the built service carries them. Append new entries; never
 * edit one that has shipped. Kysely's Migrator records applied names and takes a lock, so replicas starting
 * together apply each migration once.
 */
import { Migrator, sql } from 'kysely';
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import { SwitchboardError } from '../errors.js';
import type { Database } from './schema.js';

/** The SQL dialects the store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Adds the auto-increment primary key, the one column whose type differs between the dialects. */
function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: StoreDialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

function initial(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable('customers'), dialect)
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('address_id', 'text', (c) => c.notNull())
        .addColumn('address_ref', 'text')
        .addColumn('display_name', 'text')
        .addColumn('opted_out', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('customers_address_key', ['channel', 'address_id'])
        .execute();

      await withId(db.schema.createTable('conversations'), dialect)
        .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('address_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('language_reason', 'text')
        .addColumn('failed_answers', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_inbound_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // At most one open conversation per customer, so two replicas receiving a first message at once
      // cannot each start one.
      await db.schema
        .createIndex('conversations_one_open')
        .on('conversations')
        .column('customer_id')
        .unique()
        .where(sql.ref('state'), '<>', 'closed')
        .execute();
      await db.schema.createIndex('conversations_customer').on('conversations').columns(['customer_id', 'id']).execute();

      await withId(db.schema.createTable('messages'), dialect)
        .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id'))
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('agent_name', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('media', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('delivery_status', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // The inbound idempotency key. Only inbound: an outbound provider id comes from an adapter we do not
      // control here, and a repeated one must not make a delivered message fail to record as sent.
      await db.schema
        .createIndex('messages_inbound_key')
        .on('messages')
        .columns(['channel', 'external_id'])
        .unique()
        .where(sql.ref('direction'), '=', 'in')
        .execute();
      // Status callbacks look outbound messages up by provider id.
      await db.schema
        .createIndex('messages_outbound_key')
        .on('messages')
        .columns(['channel', 'external_id'])
        .where(sql.ref('direction'), '=', 'out')
        .execute();
      await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'id']).execute();

      await withId(db.schema.createTable('outbox'), dialect)
        .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id'))
        .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('provider_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('outbox_lease').on('outbox').columns(['status', 'lease_until']).execute();
      // The per-conversation order check looks for an older undelivered row of the same conversation.
      await db.schema.createIndex('outbox_conversation').on('outbox').columns(['conversation_id', 'status', 'id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['outbox', 'messages', 'conversations', 'customers']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

/** The human queue: one row per escalation, tied to its Slack post; and seen staff-desk event ids. */
function handoffs(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable('handoffs'), dialect)
        .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('desk_channel', 'text')
        .addColumn('desk_thread', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_by_name', 'text')
        .addColumn('paged_at', 'text', (c) => c.notNull())
        .addColumn('last_paged_at', 'text', (c) => c.notNull())
        .addColumn('repaged_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // One live handoff per conversation, so two replicas escalating the same message page once.
      await db.schema
        .createIndex('handoffs_one_active')
        .on('handoffs')
        .column('conversation_id')
        .unique()
        .where(sql.ref('status'), 'in', sql`('queued', 'claimed')`)
        .execute();
      await db.schema.createIndex('handoffs_thread').on('handoffs').columns(['desk_channel', 'desk_thread']).execute();
      await db.schema.createIndex('handoffs_status').on('handoffs').columns(['status', 'id']).execute();

      // Webhook event ids already processed (Slack's event_id): a retried delivery is acknowledged and dropped.
      await db.schema
        .createTable('webhook_events')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_events_pkey', ['source', 'event_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('webhook_events').execute();
      await db.schema.dropTable('handoffs').execute();
    },
  };
}

/** The conversation's recent per-message language scores and confirmed language (JSON, see language-evidence.ts). */
function languageEvidence(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').addColumn('language_evidence', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').dropColumn('language_evidence').execute();
    },
  };
}

/**
 * Inbound messages remember whether the engine finished with them, so a webhook retried after a failure
 * half-way is answered instead of being dropped as a duplicate. Messages from before are taken as finished.
 */
function inboundProcessed(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('messages').addColumn('processed_at', 'text').execute();
      await sql`update messages set processed_at = created_at where direction = 'in'`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('messages').dropColumn('processed_at').execute();
    },
  };
}

/**
 * The queue post's model-written summary lives on the handoff, so any replica (or this one after a restart)
 * redraws the card with it after a claim instead of losing it.
 */
function handoffSummary(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('handoffs').addColumn('summary_language', 'text').execute();
      await db.schema.alterTable('handoffs').addColumn('summary_text', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('handoffs').dropColumn('summary_text').execute();
      await db.schema.alterTable('handoffs').dropColumn('summary_language').execute();
    },
  };
}

/**
 * An outbox row remembers the parts already delivered when a channel sends one message as several (an SMS
 * answer past 1600 characters), so a retry after a later part failed never sends an earlier part twice.
 */
function outboxSentParts(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('outbox').addColumn('sent_parts', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('outbox').dropColumn('sent_parts').execute();
    },
  };
}

/**
 * Who decided an escalation and how sure it was ("classifier 0.91", "model, classifier 0.55", "rule"), shown on
 * the staff card next to the reason.
 */
function handoffReasonDetail(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('handoffs').addColumn('reason_detail', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('handoffs').dropColumn('reason_detail').execute();
    },
  };
}

/**
 * The model's translations of the knowledge base, per knowledge file (its SHA-256), language and entry: a
 * restart loads them instead of asking the model again, and a changed file simply finds none.
 */
function knowledgeTranslations(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('knowledge_translations')
        .addColumn('knowledge_hash', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('questions', 'text', (c) => c.notNull())
        .addColumn('answer', 'text', (c) => c.notNull())
        .addColumn('short', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('knowledge_translations_pkey', ['knowledge_hash', 'language', 'entry_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('knowledge_translations').execute();
    },
  };
}

/**
 * Retries measured in time and sends whose outcome is unknown: when each attempt started, since when an attempt
 * may have reached the provider unrecorded, and when the row's retry window opened. A row in flight during the
 * upgrade takes its last update as its attempt's start.
 */
function outboxRetryWindow(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('outbox').addColumn('attempt_started_at', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('outcome_unknown_since', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('failing_since', 'text').execute();
      await sql`update outbox set attempt_started_at = updated_at where status = 'inflight'`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('outbox').dropColumn('failing_since').execute();
      await db.schema.alterTable('outbox').dropColumn('outcome_unknown_since').execute();
      await db.schema.alterTable('outbox').dropColumn('attempt_started_at').execute();
    },
  };
}

/**
 * For the insights and retention: inbound messages the bot could not answer are flagged (the knowledge base's
 * gaps), and indexes on the times they filter by keep a period's figures and the retention sweep cheap however
 * much is stored. The unanswered index is partial (flagged rows only): a full (unanswered, created_at) index
 * led SQLite to look up "this conversation's unanswered messages" through it, scanning every flagged row per
 * conversation (10,000 conversations took 1 s).
 */
function insights(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('messages').addColumn('unanswered', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('messages_unanswered_idx').on('messages').column('created_at').where(sql.ref('unanswered'), '=', 1).execute();
      await db.schema.createIndex('conversations_created_idx').on('conversations').column('created_at').execute();
      await db.schema.createIndex('conversations_updated_idx').on('conversations').column('updated_at').execute();
      await db.schema.createIndex('handoffs_created_idx').on('handoffs').column('created_at').execute();
      // The existing index covers live handoffs only; "did this conversation ever have one" needs them all.
      await db.schema.createIndex('handoffs_conversation_idx').on('handoffs').column('conversation_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('handoffs_conversation_idx').execute();
      await db.schema.dropIndex('handoffs_created_idx').execute();
      await db.schema.dropIndex('conversations_updated_idx').execute();
      await db.schema.dropIndex('conversations_created_idx').execute();
      await db.schema.dropIndex('messages_unanswered_idx').execute();
      await db.schema.alterTable('messages').dropColumn('unanswered').execute();
    },
  };
}

/**
 * The inbox: an inbound message is recorded and acknowledged before its turn runs. A worker leases the oldest
 * unprocessed message of an address (`inbox_lease_until`, renewed while the turn runs), counts its attempts, and
 * reads the channel's hints (locale, country) recorded with it. The partial index holds only unprocessed inbound
 * rows, so finding work stays cheap however many messages are stored.
 */
function inboxLeases(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('messages').addColumn('inbox_lease_until', 'text').execute();
      await db.schema.alterTable('messages').addColumn('inbox_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('messages').addColumn('hints', 'text').execute();
      await db.schema
        .createIndex('messages_inbox_idx')
        .on('messages')
        .column('id')
        .where(sql.ref('direction'), '=', 'in')
        .where(sql.ref('processed_at'), 'is', null)
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('messages_inbox_idx').execute();
      await db.schema.alterTable('messages').dropColumn('hints').execute();
      await db.schema.alterTable('messages').dropColumn('inbox_attempts').execute();
      await db.schema.alterTable('messages').dropColumn('inbox_lease_until').execute();
    },
  };
}

/**
 * Satisfaction surveys: one row per surveyed conversation, written when a sweeper claims it (the unique
 * conversation id is the claim, so replicas sweeping together ask once), answered by the customer's rating.
 */
function surveys(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable('surveys'), dialect)
        .addColumn('conversation_id', 'integer', (c) => c.notNull().unique().references('conversations.id'))
        .addColumn('customer_id', 'integer', (c) => c.notNull().references('customers.id'))
        .addColumn('handled_by', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('asked_at', 'text', (c) => c.notNull())
        .addColumn('rating', 'integer')
        .addColumn('answered_at', 'text')
        .execute();
      await db.schema.createIndex('surveys_customer_idx').on('surveys').columns(['customer_id', 'asked_at']).execute();
      await db.schema.createIndex('surveys_asked_idx').on('surveys').column('asked_at').execute();
      // The sweeper looks only at conversations whose customer wrote in the last day.
      await db.schema.createIndex('conversations_last_inbound_idx').on('conversations').column('last_inbound_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('conversations_last_inbound_idx').execute();
      await db.schema.dropTable('surveys').execute();
    },
  };
}

/**
 * Spike alerts: the knowledge entry that answered each inbound message (so a topic's rate can be watched), and one
 * row per alerted topic and hour, whose unique key lets one replica alone post it.
 */
function spikeAlerts(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('messages').addColumn('knowledge_entry', 'text').execute();
      await db.schema.createIndex('messages_knowledge_entry_idx').on('messages').column('created_at').where(sql.ref('knowledge_entry'), 'is not', null).execute();
      await db.schema
        .createTable('spike_alerts')
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('hour', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('spike_alerts_pkey', ['topic', 'hour'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('spike_alerts').execute();
      await db.schema.dropIndex('messages_knowledge_entry_idx').execute();
      await db.schema.alterTable('messages').dropColumn('knowledge_entry').execute();
    },
  };
}

/** The staff desk's inbox: desk events recorded before the desk's webhook is answered (see desk-event-queries.ts). */
function deskEvents(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable('desk_events'), dialect)
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('order_key', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('desk_events_event_key', ['source', 'event_id'])
        .execute();
      await db.schema.createIndex('desk_events_unprocessed_idx').on('desk_events').columns(['order_key', 'id']).where(sql.ref('processed_at'), 'is', null).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('desk_events').execute();
    },
  };
}

/** The entries a bot reply offered by number ("Did you mean: 1. … 2. …?"), so that the customer's "2" answers one. */
function offeredEntries(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').addColumn('offered_entries', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').dropColumn('offered_entries').execute();
    },
  };
}

/** Every migration, by name; names sort in the order they apply. */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect), '0002_handoffs': handoffs(dialect), '0003_language_evidence': languageEvidence(),
    '0004_inbound_processed': inboundProcessed(), '0005_handoff_summary': handoffSummary(),
    '0006_outbox_sent_parts': outboxSentParts(), '0007_handoff_reason_detail': handoffReasonDetail(),
    '0008_knowledge_translations': knowledgeTranslations(),
    '0009_outbox_retry_window': outboxRetryWindow(),
    '0010_insights': insights(),
    '0011_inbox_leases': inboxLeases(),
    '0012_surveys': surveys(dialect),
    '0013_spike_alerts': spikeAlerts(),
    '0014_desk_events': deskEvents(dialect),
    '0015_offered_entries': offeredEntries(),
  };
}

/** Applies pending migrations and returns the names applied; throws the first failure. */
export async function migrateToLatest(db: Kysely<Database>, dialect: StoreDialect): Promise<string[]> {
  const migrations = storeMigrations(dialect);
  // Branches number their migrations ahead of merging: a database that applied a later one first (0012 before
  // 0011 was merged) still takes the earlier one, instead of refusing to start.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message : String(error);
    throw new SwitchboardError('store_migration_failed', `store migration ${failed} failed: ${reason}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
