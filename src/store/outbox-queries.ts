/**
 * The outbox half of the store: enqueue, lease, and settle delivery rows. Leasing is safe across replicas
 * without row locks: every claim is a conditional UPDATE that re-checks the row is still due, so only one
 * claimer can move it to `inflight`.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Address, Outbound } from '../model.js';
import { fromDbTime, outboxItemFromRow, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { Conversation, NewOutboundMessage, OutboxItem } from './store.js';

/** Statuses of a row not yet settled; such a row holds back the younger rows of its conversation. */
const UNDELIVERED = ['pending', 'inflight'];

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

export interface EnqueueOutboundInput {
  conversation: Conversation;
  messages: NewOutboundMessage[];
  address: Address;
  /** The inbound message these replies answer, marked processed in the same transaction. */
  answering?: number | undefined;
  now: Date;
}

/** Inserts each message and its outbox row in one transaction; ids ascend in the given order. */
export async function enqueueOutbound(db: Kysely<Database>, input: EnqueueOutboundInput): Promise<OutboxItem[]> {
  const { conversation, messages, address } = input;
  if (messages.length === 0 && input.answering === undefined) return [];
  const now = toDbTime(input.now);
  return db.transaction().execute(async (trx) => {
    const items: OutboxItem[] = [];
    if (input.answering !== undefined) {
      await trx.updateTable('messages').set({ processed_at: now }).where('id', '=', input.answering).execute();
    }
    for (const message of messages) {
      const stored = await trx
        .insertInto('messages')
        .values({
          conversation_id: conversation.id,
          direction: 'out',
          author: message.author,
          agent_name: message.agentName ?? null,
          text: message.text,
          media: '[]',
          channel: conversation.channel,
          external_id: null,
          delivery_status: 'pending',
          created_at: now,
          processed_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
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
      const row = await trx
        .insertInto('outbox')
        .values({
          conversation_id: conversation.id,
          message_id: stored.id,
          channel: address.channel,
          payload: JSON.stringify(payload),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          lease_until: null,
          last_error: null,
          provider_id: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      items.push(outboxItemFromRow(row));
    }
    return items;
  });
}

/** Leases up to `limit` due rows, each the oldest undelivered row of its conversation. */
export async function claimDueOutbox(db: Kysely<Database>, now: Date, leaseMs: number, limit: number): Promise<OutboxItem[]> {
  const at = toDbTime(now);
  const leaseUntil = toDbTime(new Date(now.getTime() + leaseMs));
  const candidates = await db
    .selectFrom('outbox')
    .select('id')
    .where((eb) => isDue(eb, at))
    .where((eb) => eb.not(hasOlderUndelivered(eb)))
    .orderBy('id')
    .limit(limit)
    .execute();
  const claimed: OutboxItem[] = [];
  for (const { id } of candidates) {
    // Re-checking dueness in the WHERE makes this a compare-and-set: a replica that claimed the row first
    // has moved its lease into the future, and this update then matches nothing.
    const row = await db
      .updateTable('outbox')
      .set((eb) => ({ status: 'inflight', lease_until: leaseUntil, attempts: eb('attempts', '+', 1), updated_at: at }))
      .where('id', '=', id)
      .where((eb) => isDue(eb, at))
      .returningAll()
      .executeTakeFirst();
    if (row) claimed.push(outboxItemFromRow(row));
  }
  return claimed;
}

/** Settles a row as delivered and gives its message the provider id. Returns false when no such row. */
export async function markOutboxSent(db: Kysely<Database>, id: number, providerId: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('outbox')
      .set({ status: 'sent', provider_id: providerId, lease_until: null, updated_at: toDbTime(now) })
      .where('id', '=', id)
      .returning('message_id')
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable('messages')
      .set({ external_id: providerId, delivery_status: 'sent' })
      .where('id', '=', row.message_id)
      .execute();
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
    await trx.updateTable('outbox').set({ sent_parts: JSON.stringify(next), updated_at: toDbTime(now) }).where('id', '=', id).execute();
    return true;
  });
}

/** Puts a row back to pending until `nextAttemptAt`. Returns false when no such row. */
export async function markOutboxRetry(
  db: Kysely<Database>,
  id: number,
  error: string,
  nextAttemptAt: Date,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', last_error: error, next_attempt_at: toDbTime(nextAttemptAt), lease_until: null, updated_at: toDbTime(now) })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Dead-letters a row and marks its message failed, which releases the conversation's younger rows. */
export async function markOutboxDead(db: Kysely<Database>, id: number, error: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('outbox')
      .set({ status: 'dead', last_error: error, lease_until: null, updated_at: toDbTime(now) })
      .where('id', '=', id)
      .returning('message_id')
      .executeTakeFirst();
    if (!row) return false;
    await trx.updateTable('messages').set({ delivery_status: 'failed' }).where('id', '=', row.message_id).execute();
    return true;
  });
}

/**
 * When the next claim can find work: the earliest due time among rows that are first in their conversation's
 * line (a pending row's next attempt, an in-flight row's lease end). Rows waiting behind an older one are left
 * out, or a worker would wake for them again and again and find nothing to claim.
 */
export async function nextOutboxDueAt(db: Kysely<Database>): Promise<Date | undefined> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) =>
      eb.fn
        .min(eb.case().when('outbox.status', '=', 'pending').then(eb.ref('outbox.next_attempt_at')).else(eb.ref('outbox.lease_until')).end())
        .as('due'),
    )
    .where('outbox.status', 'in', UNDELIVERED)
    .where((eb) => eb.not(hasOlderUndelivered(eb)))
    .executeTakeFirst();
  return row?.due == null ? undefined : fromDbTime(row.due);
}
