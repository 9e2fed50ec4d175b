/**
 * The outbox half of the store: enqueue, lease, and settle delivery rows. Leasing is safe across replicas
 * without row locks: every claim is a conditional UPDATE that re-checks the row is still due, so only one
 * claimer can move it to `inflight`.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Address, Outbound } from '../model.js';
import { SwitchboardError } from '../errors.js';
import { finishDeskEvent } from './desk-event-queries.js';
import { precompiled, precompiledByShape } from './precompiled-query.js';
import { limitOf } from './literal-terms.js';
import { fromDbTime, outboxItemFromRow, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { Conversation, NewOutboundMessage, OutboxItem } from './store.js';

/**
 * Statuses of a row not delivered and not given up for good; such a row holds back the younger rows of its
 * conversation. An expired row is among them: its conversation's later replies must not overtake it.
 */
const UNDELIVERED = ['pending', 'inflight', 'expired'];

/** A pending row whose time has come, or an in-flight row whose worker's lease ran out. */
function isDue(eb: ExpressionBuilder<Database, 'outbox'>, now: string) {
  return eb.or([
    eb.and([eb('outbox.status', '=', 'pending'), eb('outbox.next_attempt_at', '<=', now)]),
    eb.and([eb('outbox.status', '=', 'inflight'), eb('outbox.lease_until', '<=', now)]),
  ]);
}

/** Whether an older row of the same conversation is still undelivered: then this row must wait its turn. */
function hasOlderUndelivered(eb: ExpressionBuilder<Database, 'outbox'>) {
  return eb.exists(
    eb
      .selectFrom('outbox as older')
      .select('older.id')
      .whereRef('older.conversation_id', '=', 'outbox.conversation_id')
      .whereRef('older.id', '<', 'outbox.id')
      .where('older.status', 'in', UNDELIVERED),
  );
}

/** The turn's inbound message marked processed; nothing changes when another worker processed it already. */
const markProcessed = precompiled((db, p: { id: number; at: string }) =>
  db.updateTable('messages').set({ processed_at: p.at, inbox_lease_until: null }).where('id', '=', p.id).where('processed_at', 'is', null),
);

const insertOutboundMessage = precompiled((db, p: { conversation_id: number; author: string; agent_name: string | null; text: string; channel: string; created_at: string }) =>
  db
    .insertInto('messages')
    .values({
      conversation_id: p.conversation_id,
      direction: 'out',
      author: p.author,
      agent_name: p.agent_name,
      text: p.text,
      media: '[]',
      channel: p.channel,
      external_id: null,
      delivery_status: 'pending',
      created_at: p.created_at,
      processed_at: null,
    })
    .returning('id'),
);

const insertOutboxRow = precompiled((db, p: { conversation_id: number; message_id: number; channel: string; payload: string; at: string }) =>
  db
    .insertInto('outbox')
    .values({
      conversation_id: p.conversation_id,
      message_id: p.message_id,
      channel: p.channel,
      payload: p.payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: p.at,
      lease_until: null,
      last_error: null,
      provider_id: null,
      created_at: p.at,
      updated_at: p.at,
    })
    .returningAll(),
);

const settleSent = precompiled((db, p: { id: number; providerId: string; at: string }) =>
  db.updateTable('outbox').set({ status: 'sent', provider_id: p.providerId, lease_until: null, updated_at: p.at }).where('id', '=', p.id).returning('message_id'),
);

const recordProviderId = precompiled((db, p: { id: number; providerId: string }) =>
  db.updateTable('messages').set({ external_id: p.providerId, delivery_status: 'sent' }).where('id', '=', p.id),
);

export interface EnqueueOutboundInput {
  conversation: Conversation;
  messages: NewOutboundMessage[];
  address: Address;
  /** The inbound message these replies answer, marked processed in the same transaction. */
  answering?: number | undefined;
  /** The desk event (a staff reply or click) these messages carry out, marked processed in the same transaction. */
  deskEvent?: number | undefined;
  now: Date;
}

/** Inserts each message and its outbox row in one transaction; ids ascend in the given order. */
export async function enqueueOutbound(db: Kysely<Database>, input: EnqueueOutboundInput): Promise<OutboxItem[]> {
  const { conversation, messages, address } = input;
  if (messages.length === 0 && input.answering === undefined && input.deskEvent === undefined) return [];
  const now = toDbTime(input.now);
  return db.transaction().execute(async (trx) => {
    const items: OutboxItem[] = [];
    if (input.answering !== undefined) {
      const marked = await markProcessed.affected(trx, { id: input.answering, at: now });
      // Another worker finished this message's turn (this one's lease ran out): its replies are the ones that count.
      if (marked === 0n) throw new SwitchboardError('inbox_superseded', `store: inbound message ${input.answering} was already processed`);
    }
    if (input.deskEvent !== undefined) {
      // Finished already: this is a repeat (its process died after queuing, before the desk finished the event).
      if (!(await finishDeskEvent(trx, input.deskEvent, input.now))) throw new SwitchboardError('inbox_superseded', `store: desk event ${input.deskEvent} was already processed`);
    }
    for (const message of messages) {
      const stored = await insertOutboundMessage.takeFirst(trx, {
        conversation_id: conversation.id,
        author: message.author,
        agent_name: message.agentName ?? null,
        text: message.text,
        channel: conversation.channel,
        created_at: now,
      });
      if (!stored) throw new SwitchboardError('store_conflict', `store: a reply in conversation ${conversation.id} could not be written`);
      const payload: Outbound = {
        to: address,
        text: message.text,
        author: message.author,
        ...(message.agentName !== undefined && { agentName: message.agentName }),
        ...(message.compliance === true && { compliance: true }),
        language: conversation.language,
        messageId: stored.id,
        conversationId: conversation.id,
      };
      const row = await insertOutboxRow.takeFirst(trx, { conversation_id: conversation.id, message_id: stored.id, channel: address.channel, payload: JSON.stringify(payload), at: now });
      if (!row) throw new SwitchboardError('store_conflict', `store: the outbox row of message ${stored.id} could not be written`);
      items.push(outboxItemFromRow(row));
    }
    return items;
  });
}

/**
 * Up to `limit` due rows, each the oldest undelivered row of its conversation. No ORDER BY: the due rows come in
 * the order of the due-time indexes, earliest due first, so the scan stops at `limit`. Sorting by id first made
 * every claim read, and check the conversation order of, every due row: with a backlog of a few thousand replies
 * each claim took milliseconds. (The order within a conversation is the NOT EXISTS's, not the scan's.)
 */
const claimableRows = precompiledByShape((limit: number) => (db, p: { at: string }) =>
  db
    .selectFrom('outbox')
    .select('id')
    .where((eb) => isDue(eb, p.at))
    .where((eb) => eb.not(hasOlderUndelivered(eb)))
    .limit(limitOf(limit)),
);

/** Leases up to `limit` due rows, each the oldest undelivered row of its conversation. */
export async function claimDueOutbox(db: Kysely<Database>, now: Date, leaseMs: number, limit: number): Promise<OutboxItem[]> {
  const at = toDbTime(now);
  const leaseUntil = toDbTime(new Date(now.getTime() + leaseMs));
  const { rows: candidates } = await claimableRows(limit).execute(db, { at });
  if (candidates.length === 0) return [];
  // One UPDATE for the batch. Re-checking dueness in its WHERE makes it a compare-and-set per row: a replica that
  // claimed a row first has moved its lease into the future, and the row is then not returned.
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'inflight',
      lease_until: leaseUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: at,
      attempt_started_at: at,
      // An in-flight row is due only because its lease ran out: the worker holding it died or stalled mid-send,
      // and whatever it sent since its attempt started is unknown. (SET reads the row's old values.)
      outcome_unknown_since: eb
        .case()
        .when('status', '=', 'inflight')
        .then(eb.fn.coalesce('outcome_unknown_since', 'attempt_started_at'))
        .else(eb.ref('outcome_unknown_since'))
        .end(),
    }))
    .where('id', 'in', candidates.map((c) => c.id))
    .where((eb) => isDue(eb, at))
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id).map(outboxItemFromRow);
}

/** Extends the lease of attempt `attempt` of an in-flight row; false when the row moved on or another worker has it. */
export async function renewOutboxLease(db: Kysely<Database>, id: number, attempt: number, leaseUntil: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ lease_until: toDbTime(leaseUntil) })
    .where('id', '=', id)
    .where('status', '=', 'inflight')
    .where('attempts', '=', attempt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Makes every in-flight row due at `now` (its lease ends then); the claim records its outcome as unknown. */
export async function releaseInflightOutbox(db: Kysely<Database>, now: Date): Promise<number> {
  const at = toDbTime(now);
  const result = await db
    .updateTable('outbox')
    .set({ lease_until: at })
    .where('status', '=', 'inflight')
    .where('lease_until', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Settles a row as delivered and gives its message the provider id. Returns false when no such row. */
export async function markOutboxSent(db: Kysely<Database>, id: number, providerId: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await settleSent.takeFirst(trx, { id, providerId, at: toDbTime(now) });
    if (!row) return false;
    await recordProviderId.execute(trx, { id: row.message_id, providerId });
    return true;
  });
}

/**
 * Settles a row waiting for a retry after an unknown outcome (pending or expired, not in flight) as delivered by
 * `providerId`; false when the row is not in that state (already settled, or an attempt holds it).
 */
export async function settleOutboxAccepted(db: Kysely<Database>, id: number, providerId: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('outbox')
      .set({ status: 'sent', provider_id: providerId, lease_until: null, outcome_unknown_since: null, updated_at: toDbTime(now) })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'expired'])
      .where('outcome_unknown_since', 'is not', null)
      .returning('message_id')
      .executeTakeFirst();
    if (!row) return false;
    await recordProviderId.execute(trx, { id: row.message_id, providerId });
    return true;
  });
}

/**
 * Appends a delivered part's provider id to the row. Only the worker holding the row's lease writes it, so a
 * read-then-write in one transaction is enough. Returns false when no such row.
 */
export async function recordOutboxPart(db: Kysely<Database>, id: number, providerId: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('outbox').select('sent_parts').where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    const parts: unknown = row.sent_parts === null ? [] : JSON.parse(row.sent_parts);
    const next = [...(Array.isArray(parts) ? parts : []), providerId];
    // The part whose outcome was unknown, if any, is the one just recorded: the next part has not been tried.
    await trx
      .updateTable('outbox')
      .set({ sent_parts: JSON.stringify(next), outcome_unknown_since: null, updated_at: toDbTime(now) })
      .where('id', '=', id)
      .execute();
    return true;
  });
}

export interface OutboxRetry {
  error: string;
  nextAttemptAt: Date;
  /** The attempt may have reached the provider: the next one looks before sending. */
  outcomeUnknown: boolean;
  now: Date;
}

/**
 * Puts a row back to pending until `nextAttemptAt`; its retry window opens now unless already open. Returns false
 * when no such row.
 */
export async function markOutboxRetry(db: Kysely<Database>, id: number, retry: OutboxRetry): Promise<boolean> {
  const at = toDbTime(retry.now);
  const result = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'pending',
      last_error: retry.error,
      next_attempt_at: toDbTime(retry.nextAttemptAt),
      lease_until: null,
      updated_at: at,
      failing_since: eb.fn.coalesce('failing_since', eb.val(at)),
      ...(retry.outcomeUnknown && { outcome_unknown_since: eb.fn.coalesce('outcome_unknown_since', 'attempt_started_at', eb.val(at)) }),
    }))
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Gives up on a row and marks its message failed: `dead` (refused for good) releases the conversation's younger
 * rows, `expired` (transient failures outlasted the retry window) keeps holding them back.
 */
export async function markOutboxGivenUp(db: Kysely<Database>, id: number, status: 'dead' | 'expired', error: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('outbox')
      .set({ status, last_error: error, lease_until: null, updated_at: toDbTime(now) })
      .where('id', '=', id)
      .returning('message_id')
      .executeTakeFirst();
    if (!row) return false;
    await trx.updateTable('messages').set({ delivery_status: 'failed' }).where('id', '=', row.message_id).execute();
    return true;
  });
}

/**
 * Queues a dead or expired row again, due at `now` with a fresh retry window; its message is pending again. An
 * unknown outcome stays recorded, so the next attempt still looks before sending.
 */
export async function redriveOutbox(db: Kysely<Database>, id: number, now: Date): Promise<{ item: OutboxItem; redriven: boolean } | undefined> {
  const at = toDbTime(now);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: at, failing_since: null, lease_until: null, updated_at: at })
      .where('id', '=', id)
      .where('status', 'in', ['dead', 'expired'])
      .returningAll()
      .executeTakeFirst();
    if (row) {
      await trx.updateTable('messages').set({ delivery_status: 'pending' }).where('id', '=', row.message_id).execute();
      return { item: outboxItemFromRow(row), redriven: true };
    }
    const unchanged = await trx.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return unchanged && { item: outboxItemFromRow(unchanged), redriven: false };
  });
}

/**
 * When the next claim can find work: the earliest due time among rows that are first in their conversation's
 * line (a pending row's next attempt, an in-flight row's lease end). Rows waiting behind an older one are left
 * out, or a worker would wake for them again and again and find nothing to claim.
 */
const earliestDue = precompiled((db) =>
  db
    .selectFrom('outbox')
    .select((eb) =>
      eb.fn
        .min(eb.case().when('outbox.status', '=', 'pending').then(eb.ref('outbox.next_attempt_at')).else(eb.ref('outbox.lease_until')).end())
        .as('due'),
    )
    // An expired row is never due by itself: only a re-drive makes it pending again.
    .where('outbox.status', 'in', ['pending', 'inflight'])
    .where((eb) => eb.not(hasOlderUndelivered(eb))),
);

export async function nextOutboxDueAt(db: Kysely<Database>): Promise<Date | undefined> {
  const row = await earliestDue.takeFirst(db, {});
  return row?.due == null ? undefined : fromDbTime(row.due);
}
