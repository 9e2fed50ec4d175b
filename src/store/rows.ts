/**
 * Row ↔ domain mapping. Rows hold text timestamps, 0/1 booleans and JSON text; the domain holds Dates,
 * booleans and objects. Enum-like columns and JSON are checked on the way out so a bad row fails loudly
 * here rather than somewhere downstream.
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { SwitchboardError } from '../errors.js';
import { CHANNELS, CONVERSATION_STATES } from '../model.js';
import type { Outbound } from '../model.js';
import type { CustomersTable, ConversationsTable, HandoffsTable, KnowledgeTranslationsTable, MessagesTable, OutboxTable, SurveysTable } from './schema.js';
import type { Conversation, Customer, DeliveryStatus, Handoff, KnowledgeTranslation, Message, OutboxItem, Survey } from './store.js';

// Built once: building a zod schema costs far more than a parse, and every row read went through these.
const channel = z.enum(CHANNELS);
const conversationState = z.enum(CONVERSATION_STATES);
const direction = z.enum(['in', 'out']);
const author = z.enum(['customer', 'bot', 'agent', 'system']);
const outboxStatus = z.enum(['pending', 'inflight', 'sent', 'dead', 'expired']);
const handoffStatus = z.enum(['queued', 'claimed', 'released', 'closed']);
const handledBy = z.enum(['bot', 'human']);
const stringList = z.array(z.string());
const deliveryStatus = z.enum(['pending', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'read'] as const satisfies readonly DeliveryStatus[]);
const mediaList = z.array(z.object({ url: z.string(), contentType: z.string() }));
const outboundPayload = z.object({
  to: z.object({ channel, id: z.string(), ref: z.unknown().optional() }),
  text: z.string(),
  author: z.enum(['bot', 'agent', 'system']),
  agentName: z.string().optional(),
  language: z.string().optional(),
  compliance: z.boolean().optional(),
  messageId: z.number().int(),
  conversationId: z.number().int(),
});

/** Dates are stored as `toISOString()` text: fixed width and UTC, so text order is time order. */
export function toDbTime(date: Date): string {
  return date.toISOString();
}

export function fromDbTime(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new SwitchboardError('store_invalid_row', `store: invalid timestamp ${JSON.stringify(text)}`);
  return date;
}

function fromDbTimeOrNull(text: string | null): Date | null {
  return text === null ? null : fromDbTime(text);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SwitchboardError('store_invalid_row', `store: ${what} is not valid JSON`, { cause: error });
  }
}

export function customerFromRow(row: Selectable<CustomersTable>): Customer {
  return {
    id: row.id,
    channel: channel.parse(row.channel),
    addressId: row.address_id,
    addressRef: row.address_ref === null ? null : parseJson(row.address_ref, 'customers.address_ref'),
    displayName: row.display_name,
    optedOut: row.opted_out !== 0,
    createdAt: fromDbTime(row.created_at),
  };
}

export function conversationFromRow(row: Selectable<ConversationsTable>): Conversation {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: channel.parse(row.channel),
    addressId: row.address_id,
    state: conversationState.parse(row.state),
    language: row.language,
    languageReason: row.language_reason,
    languageEvidence: row.language_evidence === null ? null : parseJson(row.language_evidence, 'conversations.language_evidence'),
    failedAnswers: row.failed_answers,
    offeredEntries: row.offered_entries === null ? [] : stringList.parse(parseJson(row.offered_entries, 'conversations.offered_entries')),
    lastInboundAt: fromDbTimeOrNull(row.last_inbound_at),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

/** The columns a {@link Message} is read from; a query reading many messages selects only these. */
export const MESSAGE_COLUMNS = [
  'id',
  'conversation_id',
  'direction',
  'author',
  'agent_name',
  'text',
  'media',
  'channel',
  'external_id',
  'delivery_status',
  'processed_at',
  'created_at',
] as const satisfies readonly (keyof MessagesTable)[];

export function messageFromRow(row: Pick<Selectable<MessagesTable>, (typeof MESSAGE_COLUMNS)[number]>): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: direction.parse(row.direction),
    author: author.parse(row.author),
    agentName: row.agent_name,
    text: row.text,
    // Most messages carry no media: their column is the same two characters every time.
    media: row.media === '[]' ? [] : mediaList.parse(parseJson(row.media, 'messages.media')),
    channel: channel.parse(row.channel),
    externalId: row.external_id,
    deliveryStatus: row.delivery_status === null ? null : deliveryStatus.parse(row.delivery_status),
    processedAt: row.processed_at === null ? null : fromDbTime(row.processed_at),
    createdAt: fromDbTime(row.created_at),
  };
}

export function outboxItemFromRow(row: Selectable<OutboxTable>): OutboxItem {
  const payload: Outbound = outboundPayload.parse(parseJson(row.payload, 'outbox.payload'));
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    channel: channel.parse(row.channel),
    payload,
    status: outboxStatus.parse(row.status),
    attempts: row.attempts,
    nextAttemptAt: fromDbTime(row.next_attempt_at),
    leaseUntil: fromDbTimeOrNull(row.lease_until),
    lastError: row.last_error,
    providerId: row.provider_id,
    sentParts: row.sent_parts === null ? [] : stringList.parse(parseJson(row.sent_parts, 'outbox.sent_parts')),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    attemptStartedAt: fromDbTimeOrNull(row.attempt_started_at),
    outcomeUnknownSince: fromDbTimeOrNull(row.outcome_unknown_since),
    failingSince: fromDbTimeOrNull(row.failing_since),
  };
}

export function handoffFromRow(row: Selectable<HandoffsTable>): Handoff {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    status: handoffStatus.parse(row.status),
    reason: row.reason,
    reasonDetail: row.reason_detail,
    language: row.language,
    deskChannel: row.desk_channel,
    deskThread: row.desk_thread,
    claimedBy: row.claimed_by,
    claimedByName: row.claimed_by_name,
    pagedAt: fromDbTime(row.paged_at),
    lastPagedAt: fromDbTime(row.last_paged_at),
    repagedCount: row.repaged_count,
    claimedAt: fromDbTimeOrNull(row.claimed_at),
    endedAt: fromDbTimeOrNull(row.ended_at),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    summary: row.summary_language !== null && row.summary_text !== null ? { language: row.summary_language, text: row.summary_text } : null,
  };
}

export function knowledgeTranslationFromRow(row: Selectable<KnowledgeTranslationsTable>): KnowledgeTranslation {
  return {
    entryId: row.entry_id,
    language: row.language,
    questions: stringList.parse(parseJson(row.questions, 'knowledge_translations.questions')),
    answer: row.answer,
    ...(row.short !== null && { short: row.short }),
  };
}

export function surveyFromRow(row: Selectable<SurveysTable>): Survey {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    customerId: row.customer_id,
    handledBy: handledBy.parse(row.handled_by),
    language: row.language,
    askedAt: fromDbTime(row.asked_at),
    rating: row.rating,
    answeredAt: fromDbTimeOrNull(row.answered_at),
  };
}
