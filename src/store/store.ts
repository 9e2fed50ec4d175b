/**
 * The one Store contract. Two backends implement it (SQLite embedded, PostgreSQL for replicas) and one
 * contract test suite (test/store.contract.test.ts) runs against both.
 */
import type { InsightFigures, InsightsPeriod } from './insights-queries.js';
import type { Address, Author, Channel, ChannelHints, ConversationState, Media, Outbound } from '../model.js';

export interface Customer {
  id: number;
  channel: Channel;
  addressId: string;
  /** The channel's reply reference, as the adapter gave it. */
  addressRef: unknown;
  displayName: string | null;
  optedOut: boolean;
  createdAt: Date;
}

export interface Conversation {
  id: number;
  customerId: number;
  channel: Channel;
  addressId: string;
  state: ConversationState;
  language: string;
  /** Why the language is what it is (which evidence), shown to staff at handoff. */
  languageReason: string | null;
  /** The engine's language evidence (recent per-message scores, the language last asked for), as JSON data. */
  languageEvidence: unknown;
  /** Consecutive customer messages the bot could not answer; drives the "failed twice" escalation. */
  failedAnswers: number;
  /** The knowledge entries the bot's last reply offered by number, by id: the customer may answer "2". */
  offeredEntries: string[];
  lastInboundAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ConversationPatch = Partial<
  Pick<Conversation, 'state' | 'language' | 'languageReason' | 'languageEvidence' | 'failedAnswers' | 'offeredEntries' | 'lastInboundAt'>
>;

export type Direction = 'in' | 'out';
export type DeliveryStatus = 'pending' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'read';

export interface Message {
  id: number;
  conversationId: number;
  direction: Direction;
  author: Author;
  agentName: string | null;
  text: string;
  media: Media[];
  channel: Channel;
  /** Provider id: the inbound idempotency key, or for outbound the id the channel API gave. */
  externalId: string | null;
  deliveryStatus: DeliveryStatus | null;
  /** Inbound only: when the engine finished with it (replies queued); null while it is unfinished. */
  processedAt: Date | null;
  createdAt: Date;
}

export interface NewInboundMessage {
  conversationId: number;
  channel: Channel;
  externalId: string;
  text: string;
  media?: Media[];
  /** What the channel told about the sender (locale, country, name), kept for the message's turn. */
  hints?: ChannelHints;
  receivedAt: Date;
}

/** An event from the staff desk to record; `payload` is the desk adapter's own JSON, `orderKey` its thread. */
export interface NewDeskEvent {
  source: string;
  eventId: string;
  orderKey: string;
  payload: string;
  receivedAt: Date;
}

/** A recorded desk event leased to an inbox worker. */
export interface DeskEventItem {
  id: number;
  source: string;
  eventId: string;
  payload: string;
  receivedAt: Date;
  /** Attempts started for this event, this one included. */
  attempts: number;
}

/** A recorded inbound message leased to an inbox worker for its turn. */
export interface InboxItem {
  message: Message;
  /** The customer's address (without the channel's reply reference, which the customer row keeps). */
  address: Address;
  hints: ChannelHints;
  /** Turns started for this message, this one included. */
  attempts: number;
}

export interface NewOutboundMessage {
  author: Exclude<Author, 'customer'>;
  agentName?: string;
  text: string;
  /** An opt-out compliance reply; kept in the outbox payload (see `Outbound.compliance`). */
  compliance?: boolean;
}

/**
 * `dead`: the channel refused the message for good; the conversation's later rows go on. `expired`: transient
 * failures outlasted the retry window; the row still holds back its conversation's later rows (they must not
 * overtake it) until it is re-driven.
 */
export type OutboxStatus = 'pending' | 'inflight' | 'sent' | 'dead' | 'expired';

export interface OutboxItem {
  id: number;
  conversationId: number;
  messageId: number;
  channel: Channel;
  payload: Outbound;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  /** An in-flight row whose lease ran out belongs to a worker that died: it is due again. */
  leaseUntil: Date | null;
  lastError: string | null;
  providerId: string | null;
  /** Provider ids of the parts already delivered when a channel sends this message in several (long SMS). */
  sentParts: string[];
  createdAt: Date;
  updatedAt: Date;
  /** When the current (or last) attempt was claimed. */
  attemptStartedAt: Date | null;
  /**
   * Set when an earlier attempt may have reached the provider without our recording it (its lease ran out, it
   * timed out, the connection broke after sending): the next attempt looks for it before sending again.
   */
  outcomeUnknownSince: Date | null;
  /** The first transient failure since the row was queued or re-driven: the start of its retry window. */
  failingSince: Date | null;
}

export type HandoffStatus = 'queued' | 'claimed' | 'released' | 'closed';

/** A conversation's trip through the human queue: paged, maybe claimed, then released to the bot or closed. */
export interface Handoff {
  id: number;
  conversationId: number;
  status: HandoffStatus;
  /** The escalation reason (see EscalationReason in src/engine/decide.ts). */
  reason: string;
  /** Who decided it and how sure it was ("classifier 0.91", "model, classifier 0.55", "rule"); null if not scored. */
  reasonDetail: string | null;
  language: string;
  /** The staff-desk post (Slack channel id and message ts); null until the page went out. */
  deskChannel: string | null;
  deskThread: string | null;
  claimedBy: string | null;
  claimedByName: string | null;
  pagedAt: Date;
  lastPagedAt: Date;
  repagedCount: number;
  claimedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The conversation summarized for staff by a model, written once at paging; null without one. */
  summary: HandoffSummary | null;
}

/** A model-written summary of a conversation, in the staff's language. */
export interface HandoffSummary {
  language: string;
  text: string;
}

export interface NewHandoff {
  conversationId: number;
  reason: string;
  reasonDetail?: string;
  language: string;
  pagedAt: Date;
}

/** A knowledge entry's text in one language, written by a model (see src/llm/knowledge-translation-job.ts). */
export interface KnowledgeTranslation {
  entryId: string;
  language: string;
  questions: string[];
  answer: string;
  /** The SMS answer, when the entry has one. */
  short?: string;
}

/** Who looked after a conversation: only the bot, or a person at some point (it had a handoff). */
export type HandledBy = 'bot' | 'human';

/** A satisfaction survey asked at the end of a conversation (see src/insights/survey-sweeper.ts). */
export interface Survey {
  id: number;
  conversationId: number;
  customerId: number;
  handledBy: HandledBy;
  language: string;
  askedAt: Date;
  /** 1 to 5; null until the customer answers. */
  rating: number | null;
  answeredAt: Date | null;
}

/** A survey to record; the store stamps when it was asked, on the clock of the messages it is compared with. */
export type NewSurvey = Pick<Survey, 'conversationId' | 'customerId' | 'handledBy' | 'language'>;

/** When conversations become due for a survey, as the sweeper computes it from `CSAT_AFTER_MINUTES`. */
export interface SurveyDueRule {
  /** A conversation in the bot's hands is due once nothing was said since then and the last word was ours. */
  idleBefore: Date;
  /** Only conversations whose customer last wrote since then (older ones are past asking about). */
  activeSince: Date;
}

/** What spike alerts watch: escalations by reason, answers by knowledge entry, and the unanswered messages. */
export type TopicKind = 'reason' | 'entry' | 'unanswered';

/** How often one topic occurred in one UTC hour (`hour` is YYYY-MM-DDTHH; `key` is '' for the unanswered). */
export interface TopicCount {
  kind: TopicKind;
  key: string;
  hour: string;
  count: number;
}

/** What a queued reply finishes, in the same transaction (see Store.enqueueOutbound). */
export interface EnqueueOptions {
  /** The inbound message the replies answer. */
  answering?: number;
  /** The recorded desk event (a staff reply or click) the messages carry out. */
  deskEvent?: number;
}

export interface Store {
  /** Runs pending versioned migrations; called once at start. */
  migrate(): Promise<void>;
  /** Throws when the database cannot be reached (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `work` against a store bound to one transaction: its writes commit together, once, or not at all. Only
   * for single-statement methods (the recorder's): those that open a transaction of their own cannot run inside.
   */
  atomically<T>(work: (store: Store) => Promise<T>): Promise<T>;

  /** Finds the customer at this address or creates one; refreshes the reply reference and name when given. */
  upsertCustomer(address: Address, displayName?: string): Promise<Customer>;
  getCustomer(id: number): Promise<Customer | undefined>;
  findCustomer(channel: Channel, addressId: string): Promise<Customer | undefined>;
  setOptedOut(customerId: number, optedOut: boolean): Promise<void>;

  /** The customer's conversation that is not closed, or a new one in state `bot`. */
  openConversation(customer: Customer, language: string): Promise<{ conversation: Conversation; created: boolean }>;
  getConversation(id: number): Promise<Conversation | undefined>;
  updateConversation(id: number, patch: ConversationPatch): Promise<Conversation>;

  /** The inbound message already recorded with this idempotency key, if any. */
  findInbound(channel: Channel, externalId: string): Promise<Message | undefined>;
  /** Records an inbound message; `undefined` when its (channel, externalId) already exists. */
  recordInbound(message: NewInboundMessage): Promise<Message | undefined>;
  /**
   * Leases up to `limit` unprocessed inbound messages for `leaseMs`, taking only the oldest unprocessed message of
   * each customer address and none whose lease is live, so one address's turns run one at a time and in order.
   */
  claimInbox(now: Date, leaseMs: number, limit: number): Promise<InboxItem[]>;
  /** Extends the leases of messages whose turns are running. */
  renewInboxLeases(ids: readonly number[], leaseUntil: Date): Promise<void>;
  /** A failed turn: the message stays unprocessed, holding back its address, and is due again at `until`. */
  deferInbox(id: number, until: Date): Promise<void>;
  /** Gives up on a message whose turns kept failing: marked processed with no reply, so its address goes on. */
  abandonInbox(id: number, now: Date): Promise<void>;
  /**
   * At start: the leases of a process that died are free at once when this process alone uses the database
   * (SQLite); on a shared database (PostgreSQL) their short leases run out instead. Returns how many were freed.
   */
  releaseOrphanedInbox(): Promise<number>;
  /**
   * Records outbound messages and their outbox rows in one transaction, in the given order, so a reply
   * is either queued for delivery or not recorded at all. With `answering`, that inbound message is marked
   * processed in the same transaction (even with no replies); when it was processed already (another worker
   * took over its turn), nothing is recorded and an `inbox_superseded` error is thrown, so no reply is doubled.
   * `deskEvent` does the same for the staff desk's event the messages carry out (a staff reply, a click's notice).
   */
  enqueueOutbound(conversation: Conversation, messages: NewOutboundMessage[], address: Address, options?: EnqueueOptions): Promise<OutboxItem[]>;
  /** Messages of a conversation with id greater than `after`, oldest first. */
  listMessages(conversationId: number, options?: { after?: number; limit?: number }): Promise<Message[]>;
  /**
   * The newest `limit` messages of a conversation a turn may see, oldest first: every reply, and the inbound
   * messages up to `throughInbound` (a burst's younger messages are not its turn's).
   */
  recentMessages(conversationId: number, options: { throughInbound: number; limit: number }): Promise<Message[]>;
  /** Messages of every conversation of this customer, oldest first: the widget's history. */
  listCustomerMessages(customerId: number, options?: { after?: number; limit?: number }): Promise<Message[]>;
  /**
   * Records a delivery state reported for the outbound message with this provider id. A state never moves
   * backwards (queued < sent < delivered < read; failed/undelivered are final), so a late callback is ignored.
   * Returns the message with its resulting state, or undefined when no such message exists.
   */
  setDeliveryStatus(channel: Channel, externalId: string, status: DeliveryStatus): Promise<Message | undefined>;

  /**
   * Leases up to `limit` due outbox rows — pending ones whose time has come and in-flight ones whose lease ran
   * out — taking at most the oldest undelivered row of each conversation so delivery keeps conversation order.
   */
  claimDueOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxItem[]>;
  /**
   * Extends the lease of the row's attempt number `attempt` while its send is in progress; false when the row is
   * no longer that attempt's (settled, or re-claimed after the lease ran out).
   */
  renewOutboxLease(id: number, attempt: number, leaseUntil: Date): Promise<boolean>;
  /**
   * At start: rows left in flight by a process that died are due at once when this process alone uses the
   * database (SQLite), their outcome unknown; on a shared database (PostgreSQL) their short leases run out
   * instead. Returns how many were released.
   */
  releaseOrphanedOutbox(now: Date): Promise<number>;
  markOutboxSent(id: number, providerId: string, now: Date): Promise<void>;
  /**
   * A provider reports accepting the row's message (a status callback) although no attempt recorded it: settles the
   * row as sent when it is waiting with an unknown outcome, not in flight. False when it was not in that state.
   */
  settleOutboxAccepted(id: number, providerId: string, now: Date): Promise<boolean>;
  /** Appends one delivered part's provider id to the row, so a retry after a later part failed resumes there. */
  recordOutboxPart(id: number, providerId: string): Promise<void>;
  /**
   * Puts the row back to pending until `nextAttemptAt`, starting its retry window (`failingSince`) at `now` if
   * not started; `outcomeUnknown` records that this attempt may have reached the provider.
   */
  markOutboxRetry(id: number, error: string, nextAttemptAt: Date, options?: { now?: Date; outcomeUnknown?: boolean }): Promise<void>;
  markOutboxDead(id: number, error: string, now: Date): Promise<void>;
  /** Gives up on a row whose transient failures outlasted the retry window; it keeps holding back its conversation. */
  markOutboxExpired(id: number, error: string, now: Date): Promise<void>;
  /**
   * Queues a dead or expired row again, due now with a fresh retry window (staff re-driving a dead letter).
   * `redriven` is false, with the row as it is, when it was not dead or expired; undefined when no such row.
   */
  redriveOutbox(id: number, now: Date): Promise<{ item: OutboxItem; redriven: boolean } | undefined>;
  getOutboxItem(id: number): Promise<OutboxItem | undefined>;
  /** The outbound message a channel accepted under this provider id, if any. */
  findOutbound(channel: Channel, externalId: string): Promise<Message | undefined>;
  /** The earliest time a pending row becomes due, to sleep exactly until then. */
  nextOutboxDueAt(): Promise<Date | undefined>;

  /** Opens a handoff in `queued`; when the conversation already has a live one, returns that (`created` false). */
  createHandoff(handoff: NewHandoff): Promise<{ handoff: Handoff; created: boolean }>;
  getHandoff(id: number): Promise<Handoff | undefined>;
  /** The conversation's queued or claimed handoff, if any. */
  findActiveHandoff(conversationId: number): Promise<Handoff | undefined>;
  /** The newest handoff whose desk post is this one (a Slack thread). */
  findHandoffByThread(deskChannel: string, deskThread: string): Promise<Handoff | undefined>;
  setHandoffThread(id: number, deskChannel: string, deskThread: string): Promise<Handoff>;
  /** Keeps the staff summary on the handoff, so every replica's redraw of the card shows it. */
  setHandoffSummary(id: number, summary: HandoffSummary): Promise<Handoff>;
  /**
   * Gives a queued handoff to one agent, race-free across replicas: `claimed` is false when it was not
   * queued any more, and `handoff` then shows who has it (or that it ended).
   */
  claimHandoff(id: number, agent: { id: string; name: string }, at: Date): Promise<{ handoff: Handoff; claimed: boolean }>;
  /** Ends a live handoff; undefined when it had already ended (someone else closed it first). */
  endHandoff(id: number, status: 'released' | 'closed', at: Date): Promise<Handoff | undefined>;
  /** Records a re-page if the handoff is still queued and was last paged at `lastPagedAt`; false when another replica did it. */
  recordRepage(id: number, lastPagedAt: Date, at: Date): Promise<boolean>;
  /** Queued handoffs, oldest first: the queue order. */
  listQueuedHandoffs(): Promise<Handoff[]>;
  /** The latest claimed handoffs, newest first, for wait estimates. */
  listRecentClaims(limit: number): Promise<Handoff[]>;
  /** Records a webhook event id; false when it was seen before (a retry). */
  recordWebhookEvent(source: string, eventId: string, at: Date): Promise<boolean>;
  /**
   * Records a desk event to be processed later, with its id in the same transaction as `recordWebhookEvent`;
   * false when the id was seen before (a redelivery), and nothing is recorded.
   */
  recordDeskEvent(event: NewDeskEvent): Promise<boolean>;
  /** Leases up to `limit` unprocessed desk events, only the oldest of each order key and none whose lease is live. */
  claimDeskEvents(now: Date, leaseMs: number, limit: number): Promise<DeskEventItem[]>;
  renewDeskEventLeases(ids: readonly number[], leaseUntil: Date): Promise<void>;
  /** A failed event stays unprocessed, holding back its order key, and is due again at `until`. */
  deferDeskEvent(id: number, until: Date): Promise<void>;
  /** Marks a desk event processed: handled, or given up. */
  finishDeskEvent(id: number, now: Date): Promise<void>;
  /** At start, frees the leases a dead process left on desk events, where the store can know (SQLite); the count freed. */
  releaseOrphanedDeskEvents(): Promise<number>;

  /** The knowledge translations kept for the knowledge file with this SHA-256, in no particular order. */
  listKnowledgeTranslations(knowledgeHash: string): Promise<KnowledgeTranslation[]>;
  /** Keeps a translation; when one for the same file, language and entry exists (another replica's), that one stays. */
  saveKnowledgeTranslation(knowledgeHash: string, translation: KnowledgeTranslation): Promise<void>;

  /** Everything stored about one customer (a data access request), oldest conversation first; undefined when unknown. */
  exportCustomer(customerId: number): Promise<CustomerExport | undefined>;
  /**
   * Deletes the customer and everything stored about them (outbox rows, messages, handoffs, conversations) in one
   * transaction: a data erasure request. Returns how many rows of each went; undefined when the customer is unknown.
   */
  eraseCustomer(customerId: number): Promise<ErasedCounts | undefined>;

  /** Replies not yet accepted by their channel, in the whole store: the outbox gauges of the metrics. */
  outboxBacklog(): Promise<{ pending: number; oldestCreatedAt: Date | undefined }>;
  /** Flags an inbound message the bot could not answer (a knowledge gap in the insights). */
  markUnanswered(messageId: number): Promise<void>;
  /** The figures behind the insights for a period; `now` decides which conversations are settled (24 h quiet). */
  insightFigures(period: InsightsPeriod, now: Date, unansweredLimit: number): Promise<InsightFigures>;
  /** Retention: deletes up to `limit` conversations inactive since `before`, with their rows; returns how many. */
  deleteInactiveConversations(before: Date, limit: number): Promise<number>;

  /**
   * Up to `limit` conversations that ended and have no survey yet, of customers not opted out: closed by staff,
   * or in the bot's hands and idle (see {@link SurveyDueRule}), each with who looked after it.
   */
  listSurveysDue(rule: SurveyDueRule, limit: number): Promise<{ conversation: Conversation; handledBy: HandledBy }[]>;
  /** Records the survey of a conversation; undefined when it already has one (another replica asked). */
  claimSurvey(survey: NewSurvey): Promise<Survey | undefined>;
  /**
   * The customer's newest unanswered survey asked since `since`, if they have written nothing after it but the
   * recorded message `answer` (the one whose turn asks): only the message right after the question can answer it.
   */
  findAwaitingSurvey(customerId: number, since: Date, answer: number): Promise<Survey | undefined>;
  /** Records the rating; false when the survey was answered already. */
  answerSurvey(surveyId: number, rating: number, at: Date): Promise<boolean>;

  /** Notes the knowledge entry that answered an inbound message (its rate is watched for spikes). */
  recordAnswerEntry(messageId: number, entryId: string): Promise<void>;
  /** Each topic's occurrences per UTC hour in [from, to). */
  topicCounts(from: Date, to: Date): Promise<TopicCount[]>;
  /** Up to `limit` different customer messages of a topic since `since`, newest first (an escalation's: the message before it). */
  topicExamples(kind: TopicKind, key: string, since: Date, limit: number): Promise<string[]>;
  /** Records the alert of a topic in an hour (YYYY-MM-DDTHH); false when the topic was alerted in that hour or the 60 minutes before `at`. */
  claimSpikeAlert(topic: string, hour: string, count: number, at: Date): Promise<boolean>;
}

/** One customer's stored data, as {@link Store.exportCustomer} gives it. */
export interface CustomerExport {
  customer: Customer;
  /** Oldest first, each with its messages and handoffs oldest first, and its satisfaction survey if one was asked. */
  conversations: { conversation: Conversation; messages: Message[]; handoffs: Handoff[]; survey: Survey | null }[];
}

/** Rows deleted by {@link Store.eraseCustomer}, per kind (the customer row itself is one). */
export interface ErasedCounts {
  messages: number;
  conversations: number;
  handoffs: number;
  outbox: number;
  surveys: number;
}
