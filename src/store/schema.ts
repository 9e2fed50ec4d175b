/**
 * Kysely table types for the store. Column choices are portable between SQLite and PostgreSQL: integer
 * ids, timestamps as ISO-8601 UTC text (lexicographically ordered), booleans as 0/1 and JSON as text.
 */
import type { Generated } from 'kysely';

/** A customer at one address of one channel. */
export interface CustomersTable {
  id: Generated<number>;
  channel: string;
  address_id: string;
  /** JSON of the channel's reply reference; null when the channel gave none. */
  address_ref: string | null;
  display_name: string | null;
  /** 0 or 1. */
  opted_out: number;
  created_at: string;
  updated_at: string;
}

export interface ConversationsTable {
  id: Generated<number>;
  customer_id: number;
  channel: string;
  address_id: string;
  state: string;
  language: string;
  language_reason: string | null;
  /** JSON of the language evidence (recent message scores, confirmed language); null before the first message. */
  language_evidence: string | null;
  failed_answers: number;
  /** JSON array of the knowledge entry ids the last bot reply offered by number; null when it offered none. */
  offered_entries: string | null;
  last_inbound_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MessagesTable {
  id: Generated<number>;
  conversation_id: number;
  direction: string;
  author: string;
  agent_name: string | null;
  text: string;
  /** JSON array of media attachments. */
  media: string;
  channel: string;
  /** Inbound: the idempotency key. Outbound: null until the channel API accepted it. */
  external_id: string | null;
  delivery_status: string | null;
  created_at: string;
  /** Inbound: set once the engine has queued its replies; a redelivery of an unprocessed message is processed again. */
  processed_at: string | null;
  /** Inbound: 1 when the bot could not answer it (a knowledge gap shown in the insights); 0 otherwise. */
  unanswered: Generated<number>;
  /** Inbound, unprocessed: until when an inbox worker holds it (renewed while its turn runs); null when free. */
  inbox_lease_until: string | null;
  /** Inbound: how many turns were started for it (a failing one is retried a few times, then given up). */
  inbox_attempts: Generated<number>;
  /** Inbound: JSON of the channel's hints (locale, country, name) for the turn; null when none were given. */
  hints: string | null;
  /** Inbound: the id of the knowledge entry that answered it, watched for spikes; null otherwise. */
  knowledge_entry: Generated<string | null>;
}

export interface OutboxTable {
  id: Generated<number>;
  conversation_id: number;
  message_id: number;
  channel: string;
  /** JSON of the `Outbound` handed to the adapter. */
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  provider_id: string | null;
  /** JSON array of the provider ids of the parts already delivered (a long SMS); null before any. */
  sent_parts: string | null;
  created_at: string;
  updated_at: string;
  /** When the current (or last) attempt was claimed: an attempt cut short without an answer may have sent from then on. */
  attempt_started_at: string | null;
  /** Set while an attempt may have reached the provider unrecorded; the next attempt looks for it before sending. */
  outcome_unknown_since: string | null;
  /** The first transient failure since the row was queued or re-driven; it expires OUTBOX_RETRY_HOURS later. */
  failing_since: string | null;
}

/** One escalation to the human queue and its staff-desk post. */
export interface HandoffsTable {
  id: Generated<number>;
  conversation_id: number;
  status: string;
  reason: string;
  language: string;
  /** Where the queue post lives (Slack channel id and message ts); null until posted. */
  desk_channel: string | null;
  desk_thread: string | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
  paged_at: string;
  last_paged_at: string;
  repaged_count: number;
  claimed_at: string | null;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
  /** The model's summary of the conversation for staff, and its language; null without a model. */
  summary_language: string | null;
  summary_text: string | null;
  /** Who decided the escalation and how sure it was; null for reasons without a score. */
  reason_detail: string | null;
}

export interface WebhookEventsTable {
  source: string;
  event_id: string;
  received_at: string;
}

/** An event from the staff desk awaiting (or done with) its processing; see desk-event-queries.ts. */
export interface DeskEventsTable {
  id: Generated<number>;
  source: string;
  event_id: string;
  /** Events with the same key (a desk thread) are processed one at a time, in the order recorded. */
  order_key: string;
  /** The desk adapter's own record of the event (JSON), read back by the adapter when the event is processed. */
  payload: string;
  received_at: string;
  processed_at: string | null;
  lease_until: string | null;
  attempts: number;
}

/** One knowledge entry machine-translated into one language, for the knowledge file with this SHA-256. */
export interface KnowledgeTranslationsTable {
  knowledge_hash: string;
  language: string;
  entry_id: string;
  /** JSON array of question variants. */
  questions: string;
  answer: string;
  /** The SMS answer; null when the entry has none. */
  short: string | null;
  created_at: string;
}

/** A satisfaction survey asked at the end of a conversation, and the customer's rating once answered. */
export interface SurveysTable {
  id: Generated<number>;
  conversation_id: number;
  customer_id: number;
  /** 'human' when the conversation had a handoff, else 'bot'. */
  handled_by: string;
  language: string;
  asked_at: string;
  /** 1 to 5; null until answered. */
  rating: number | null;
  answered_at: string | null;
}

/** A spike alert posted for a topic ("reason:frustration", "entry:shipping", "unanswered") in one UTC hour. */
export interface SpikeAlertsTable {
  topic: string;
  /** YYYY-MM-DDTHH (UTC). */
  hour: string;
  count: number;
  created_at: string;
}

/** The whole database as Kysely sees it. */
export interface Database {
  customers: CustomersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  outbox: OutboxTable;
  handoffs: HandoffsTable;
  webhook_events: WebhookEventsTable;
  knowledge_translations: KnowledgeTranslationsTable;
  surveys: SurveysTable;
  spike_alerts: SpikeAlertsTable;
  desk_events: DeskEventsTable;
}
