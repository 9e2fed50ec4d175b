/**
 * The one Store implementation, over Kysely, for both SQLite and PostgreSQL. Dialect differences live in the
 * migrations; the queries here use only SQL both understand (RETURNING, ON CONFLICT DO NOTHING, NOT EXISTS).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { SwitchboardError } from '../errors.js';
import type { Address, Channel } from '../model.js';
import { migrateToLatest } from './migrations.js';
import type { StoreDialect } from './migrations.js';
import {
  claimDueOutbox,
  enqueueOutbound,
  markOutboxGivenUp,
  markOutboxRetry,
  markOutboxSent,
  nextOutboxDueAt,
  recordOutboxPart,
  redriveOutbox,
  releaseInflightOutbox,
  renewOutboxLease,
  settleOutboxAccepted,
} from './outbox-queries.js';
import * as inbox from './inbox-queries.js';
import { hintsColumn } from './inbox-queries.js';
import * as handoffs from './handoff-queries.js';
import * as customerData from './customer-data-queries.js';
import * as knowledgeTranslations from './knowledge-translation-queries.js';
import * as insights from './insights-queries.js';
import * as surveys from './survey-queries.js';
import * as spikes from './spike-queries.js';
import * as deskEvents from './desk-event-queries.js';
import type { InsightFigures, InsightsPeriod } from './insights-queries.js';
import { conversationFromRow, customerFromRow, messageFromRow, outboxItemFromRow, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type {
  Conversation,
  EnqueueOptions,
  ConversationPatch,
  HandledBy,
  NewSurvey,
  Survey,
  SurveyDueRule,
  TopicCount,
  TopicKind,
  Customer,
  CustomerExport,
  ErasedCounts,
  DeliveryStatus,
  Handoff,
  HandoffSummary,
  KnowledgeTranslation,
  NewHandoff,
  Message,
  InboxItem,
  DeskEventItem,
  NewDeskEvent,
  NewInboundMessage,
  NewOutboundMessage,
  OutboxItem,
  Store,
} from './store.js';
import * as paths from './message-path-queries.js';

/** The little of a logger the store uses; a pino logger fits. */
export interface StoreLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface KyselyStoreOptions {
  db: Kysely<Database>;
  dialect: StoreDialect;
  logger?: StoreLogger;
  /** The clock for the timestamps the store sets itself (creation, update); injectable for tests. */
  now?: () => Date;
}

/** Implements {@link Store} over a Kysely instance; construct it with {@link createKyselyStore}. */
export class KyselyStore implements Store {
  private readonly db: Kysely<Database>;
  private readonly dialect: StoreDialect;
  private readonly logger: StoreLogger | undefined;
  private readonly now: () => Date;

  constructor(options: KyselyStoreOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  async migrate(): Promise<void> {
    const applied = await migrateToLatest(this.db, this.dialect);
    if (applied.length > 0) this.logger?.info({ dialect: this.dialect, applied }, 'store migrations applied');
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  atomically<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new KyselyStore({ db: trx, dialect: this.dialect, logger: this.logger, now: this.now })));
  }

  async upsertCustomer(address: Address, displayName?: string): Promise<Customer> {
    const now = toDbTime(this.now());
    const row = await paths.upsertCustomer.takeFirst(this.db, {
      channel: address.channel,
      address_id: address.id,
      // Only what the caller gave is refreshed: a message without a reference keeps the stored one.
      address_ref: address.ref === undefined ? null : JSON.stringify(address.ref),
      display_name: displayName ?? null,
      created_at: now,
      updated_at: now,
    });
    if (!row) throw new SwitchboardError('store_conflict', `store: the customer at ${address.channel} address could not be written`);
    return customerFromRow(row);
  }

  async getCustomer(id: number): Promise<Customer | undefined> {
    const row = await paths.getCustomer.takeFirst(this.db, { id });
    return row && customerFromRow(row);
  }

  async findCustomer(channel: Channel, addressId: string): Promise<Customer | undefined> {
    const row = await paths.findCustomer.takeFirst(this.db, { channel, addressId });
    return row && customerFromRow(row);
  }

  async setOptedOut(customerId: number, optedOut: boolean): Promise<void> {
    const result = await this.db
      .updateTable('customers')
      .set({ opted_out: optedOut ? 1 : 0, updated_at: toDbTime(this.now()) })
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound('customer', customerId);
  }

  async openConversation(customer: Customer, language: string): Promise<{ conversation: Conversation; created: boolean }> {
    const open = await this.findOpenConversation(customer.id);
    if (open) return { conversation: open, created: false };
    const now = toDbTime(this.now());
    // A unique partial index allows one open conversation per customer; a concurrent opener that won the
    // race makes this insert a no-op, and we return its conversation instead.
    const row = await this.db
      .insertInto('conversations')
      .values({
        customer_id: customer.id,
        channel: customer.channel,
        address_id: customer.addressId,
        state: 'bot',
        language,
        language_reason: null,
        language_evidence: null,
        failed_answers: 0,
        offered_entries: null,
        last_inbound_at: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return { conversation: conversationFromRow(row), created: true };
    const winner = await this.findOpenConversation(customer.id);
    if (!winner) throw new SwitchboardError('store_conflict', `store: could not open a conversation for customer ${customer.id}`);
    return { conversation: winner, created: false };
  }

  async getConversation(id: number): Promise<Conversation | undefined> {
    const row = await paths.getConversation.takeFirst(this.db, { id });
    return row && conversationFromRow(row);
  }

  async updateConversation(id: number, patch: ConversationPatch): Promise<Conversation> {
    // Columns the patch leaves out are not in the statement; the values given for them here are not used.
    const row = await paths.updateConversation(patch).takeFirst(this.db, {
      id,
      updated_at: toDbTime(this.now()),
      state: patch.state,
      language: patch.language,
      language_reason: patch.languageReason,
      language_evidence: patch.languageEvidence == null ? null : JSON.stringify(patch.languageEvidence),
      failed_answers: patch.failedAnswers,
      offered_entries: patch.offeredEntries === undefined || patch.offeredEntries.length === 0 ? null : JSON.stringify(patch.offeredEntries),
      last_inbound_at: patch.lastInboundAt == null ? null : toDbTime(patch.lastInboundAt),
    });
    if (!row) throw notFound('conversation', id);
    return conversationFromRow(row);
  }

  async findInbound(channel: Channel, externalId: string): Promise<Message | undefined> {
    const row = await paths.findMessageByExternalId.in.takeFirst(this.db, { channel, externalId });
    return row && messageFromRow(row);
  }

  async findOutbound(channel: Channel, externalId: string): Promise<Message | undefined> {
    const row = await paths.findMessageByExternalId.out.takeFirst(this.db, { channel, externalId });
    return row && messageFromRow(row);
  }

  async recordInbound(message: NewInboundMessage): Promise<Message | undefined> {
    // The unique inbound key turns a redelivered webhook into a no-op, race-free across replicas.
    const row = await paths.recordInbound.takeFirst(this.db, {
      conversation_id: message.conversationId,
      text: message.text,
      media: JSON.stringify(message.media ?? []),
      channel: message.channel,
      external_id: message.externalId,
      created_at: toDbTime(message.receivedAt),
      hints: hintsColumn(message.hints),
    });
    return row && messageFromRow(row);
  }

  enqueueOutbound(conversation: Conversation, messages: NewOutboundMessage[], address: Address, options: EnqueueOptions = {}): Promise<OutboxItem[]> {
    return enqueueOutbound(this.db, { conversation, messages, address, ...options, now: this.now() });
  }

  claimInbox(now: Date, leaseMs: number, limit: number): Promise<InboxItem[]> {
    return inbox.claimInbox(this.db, now, leaseMs, limit);
  }

  renewInboxLeases(ids: readonly number[], leaseUntil: Date): Promise<void> {
    return inbox.renewInboxLeases(this.db, ids, leaseUntil);
  }

  deferInbox(id: number, until: Date): Promise<void> {
    return inbox.deferInbox(this.db, id, until);
  }

  abandonInbox(id: number, now: Date): Promise<void> {
    return inbox.abandonInbox(this.db, id, now);
  }

  async releaseOrphanedInbox(): Promise<number> {
    // One process owns an SQLite file, so at start no lease is anyone's; PostgreSQL is shared by replicas.
    return this.dialect === 'sqlite' ? inbox.releaseInbox(this.db) : 0;
  }

  async listMessages(conversationId: number, options: { after?: number; limit?: number } = {}): Promise<Message[]> {
    let query = this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('id', '>', options.after ?? 0)
      .orderBy('id');
    if (options.limit !== undefined) query = query.limit(options.limit);
    return (await query.execute()).map(messageFromRow);
  }

  async recentMessages(conversationId: number, options: { throughInbound: number; limit: number }): Promise<Message[]> {
    const { rows } = await paths.recentMessages(options.limit).execute(this.db, { conversationId, throughInbound: options.throughInbound });
    return rows.reverse().map(messageFromRow);
  }

  async listCustomerMessages(customerId: number, options: { after?: number; limit?: number } = {}): Promise<Message[]> {
    let query = this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', 'in', (eb) => eb.selectFrom('conversations').select('id').where('customer_id', '=', customerId))
      .where('id', '>', options.after ?? 0)
      .orderBy('id');
    if (options.limit !== undefined) query = query.limit(options.limit);
    return (await query.execute()).map(messageFromRow);
  }

  async setDeliveryStatus(channel: Channel, externalId: string, status: DeliveryStatus): Promise<Message | undefined> {
    await paths.advanceDeliveryStatus(status)?.execute(this.db, { channel, externalId });
    return this.findOutbound(channel, externalId);
  }

  claimDueOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxItem[]> {
    return claimDueOutbox(this.db, now, leaseMs, limit);
  }

  renewOutboxLease(id: number, attempt: number, leaseUntil: Date): Promise<boolean> {
    return renewOutboxLease(this.db, id, attempt, leaseUntil);
  }

  async releaseOrphanedOutbox(now: Date): Promise<number> {
    // One process owns an SQLite file, so at start nothing in flight is anyone's; PostgreSQL is shared by replicas.
    return this.dialect === 'sqlite' ? releaseInflightOutbox(this.db, now) : 0;
  }

  async markOutboxSent(id: number, providerId: string, now: Date): Promise<void> {
    if (!(await markOutboxSent(this.db, id, providerId, now))) throw notFound('outbox item', id);
  }

  settleOutboxAccepted(id: number, providerId: string, now: Date): Promise<boolean> {
    return settleOutboxAccepted(this.db, id, providerId, now);
  }

  async recordOutboxPart(id: number, providerId: string): Promise<void> {
    if (!(await recordOutboxPart(this.db, id, providerId, this.now()))) throw notFound('outbox item', id);
  }

  async markOutboxRetry(id: number, error: string, nextAttemptAt: Date, options: { now?: Date; outcomeUnknown?: boolean } = {}): Promise<void> {
    const retry = { error, nextAttemptAt, outcomeUnknown: options.outcomeUnknown ?? false, now: options.now ?? this.now() };
    if (!(await markOutboxRetry(this.db, id, retry))) throw notFound('outbox item', id);
  }

  async markOutboxDead(id: number, error: string, now: Date): Promise<void> {
    if (!(await markOutboxGivenUp(this.db, id, 'dead', error, now))) throw notFound('outbox item', id);
  }

  async markOutboxExpired(id: number, error: string, now: Date): Promise<void> {
    if (!(await markOutboxGivenUp(this.db, id, 'expired', error, now))) throw notFound('outbox item', id);
  }

  redriveOutbox(id: number, now: Date): Promise<{ item: OutboxItem; redriven: boolean } | undefined> {
    return redriveOutbox(this.db, id, now);
  }

  async getOutboxItem(id: number): Promise<OutboxItem | undefined> {
    const row = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row && outboxItemFromRow(row);
  }

  nextOutboxDueAt(): Promise<Date | undefined> {
    return nextOutboxDueAt(this.db);
  }

  createHandoff(handoff: NewHandoff): Promise<{ handoff: Handoff; created: boolean }> {
    return handoffs.createHandoff(this.db, handoff, this.now());
  }

  getHandoff(id: number): Promise<Handoff | undefined> {
    return handoffs.getHandoff(this.db, id);
  }

  findActiveHandoff(conversationId: number): Promise<Handoff | undefined> {
    return handoffs.findActiveHandoff(this.db, conversationId);
  }

  findHandoffByThread(deskChannel: string, deskThread: string): Promise<Handoff | undefined> {
    return handoffs.findHandoffByThread(this.db, deskChannel, deskThread);
  }

  setHandoffThread(id: number, deskChannel: string, deskThread: string): Promise<Handoff> {
    return handoffs.setHandoffThread(this.db, id, deskChannel, deskThread, this.now());
  }

  setHandoffSummary(id: number, summary: HandoffSummary): Promise<Handoff> {
    return handoffs.setHandoffSummary(this.db, id, summary, this.now());
  }

  claimHandoff(id: number, agent: { id: string; name: string }, at: Date): Promise<{ handoff: Handoff; claimed: boolean }> {
    return handoffs.claimHandoff(this.db, id, agent, at);
  }

  endHandoff(id: number, status: 'released' | 'closed', at: Date): Promise<Handoff | undefined> {
    return handoffs.endHandoff(this.db, id, status, at);
  }

  recordRepage(id: number, lastPagedAt: Date, at: Date): Promise<boolean> {
    return handoffs.recordRepage(this.db, id, lastPagedAt, at);
  }

  listQueuedHandoffs(): Promise<Handoff[]> {
    return handoffs.listQueuedHandoffs(this.db);
  }

  listRecentClaims(limit: number): Promise<Handoff[]> {
    return handoffs.listRecentClaims(this.db, limit);
  }

  recordWebhookEvent(source: string, eventId: string, at: Date): Promise<boolean> {
    return handoffs.recordWebhookEvent(this.db, source, eventId, at);
  }

  recordDeskEvent(event: NewDeskEvent): Promise<boolean> {
    return deskEvents.recordDeskEvent(this.db, event);
  }

  claimDeskEvents(now: Date, leaseMs: number, limit: number): Promise<DeskEventItem[]> {
    return deskEvents.claimDeskEvents(this.db, now, leaseMs, limit);
  }

  renewDeskEventLeases(ids: readonly number[], leaseUntil: Date): Promise<void> {
    return deskEvents.renewDeskEventLeases(this.db, ids, leaseUntil);
  }

  deferDeskEvent(id: number, until: Date): Promise<void> {
    return deskEvents.deferDeskEvent(this.db, id, until);
  }

  async finishDeskEvent(id: number, now: Date): Promise<void> {
    await deskEvents.finishDeskEvent(this.db, id, now);
  }

  async releaseOrphanedDeskEvents(): Promise<number> {
    // One process owns an SQLite file, so at start no lease is anyone's; PostgreSQL is shared by replicas.
    return this.dialect === 'sqlite' ? deskEvents.releaseDeskEvents(this.db) : 0;
  }

  exportCustomer(customerId: number): Promise<CustomerExport | undefined> {
    return customerData.exportCustomer(this.db, customerId);
  }

  eraseCustomer(customerId: number): Promise<ErasedCounts | undefined> {
    return customerData.eraseCustomer(this.db, customerId);
  }

  outboxBacklog(): Promise<{ pending: number; oldestCreatedAt: Date | undefined }> {
    return insights.outboxBacklog(this.db);
  }

  markUnanswered(messageId: number): Promise<void> {
    return insights.markUnanswered(this.db, messageId);
  }

  insightFigures(period: InsightsPeriod, now: Date, unansweredLimit: number): Promise<InsightFigures> {
    return insights.insightFigures(this.db, period, now, unansweredLimit);
  }

  deleteInactiveConversations(before: Date, limit: number): Promise<number> {
    return insights.deleteInactiveConversations(this.db, before, limit);
  }

  listSurveysDue(rule: SurveyDueRule, limit: number): Promise<{ conversation: Conversation; handledBy: HandledBy }[]> {
    return surveys.listSurveysDue(this.db, rule, limit);
  }

  claimSurvey(survey: NewSurvey): Promise<Survey | undefined> {
    return surveys.claimSurvey(this.db, survey, this.now());
  }

  findAwaitingSurvey(customerId: number, since: Date, answer: number): Promise<Survey | undefined> {
    return surveys.findAwaitingSurvey(this.db, customerId, since, answer);
  }

  answerSurvey(surveyId: number, rating: number, at: Date): Promise<boolean> {
    return surveys.answerSurvey(this.db, surveyId, rating, at);
  }

  recordAnswerEntry(messageId: number, entryId: string): Promise<void> {
    return spikes.recordAnswerEntry(this.db, messageId, entryId);
  }

  topicCounts(from: Date, to: Date): Promise<TopicCount[]> {
    return spikes.topicCounts(this.db, from, to);
  }

  topicExamples(kind: TopicKind, key: string, since: Date, limit: number): Promise<string[]> {
    return spikes.topicExamples(this.db, kind, key, since, limit);
  }

  claimSpikeAlert(topic: string, hour: string, count: number, at: Date): Promise<boolean> {
    return spikes.claimSpikeAlert(this.db, topic, hour, count, at);
  }

  listKnowledgeTranslations(knowledgeHash: string): Promise<KnowledgeTranslation[]> {
    return knowledgeTranslations.listKnowledgeTranslations(this.db, knowledgeHash);
  }

  saveKnowledgeTranslation(knowledgeHash: string, translation: KnowledgeTranslation): Promise<void> {
    return knowledgeTranslations.saveKnowledgeTranslation(this.db, knowledgeHash, translation, this.now());
  }

  private async findOpenConversation(customerId: number): Promise<Conversation | undefined> {
    const row = await paths.findOpenConversation.takeFirst(this.db, { customerId });
    return row && conversationFromRow(row);
  }
}

function notFound(what: string, id: number): SwitchboardError {
  return new SwitchboardError('store_not_found', `store: ${what} ${id} not found`);
}

/** Creates the store over an open Kysely instance; see `openStore` for the usual way in. */
export function createKyselyStore(options: KyselyStoreOptions): Store {
  return new KyselyStore(options);
}
