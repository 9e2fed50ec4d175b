/**
 * The human-queue half of the store: handoff rows and seen webhook event ids. State changes are conditional
 * UPDATEs (`where status = 'queued'`), so two agents clicking Claim at once, or two replicas re-paging the
 * same post, resolve to one winner without locks.
 */
import type { Kysely } from 'kysely';
import { SwitchboardError } from '../errors.js';
import { handoffFromRow, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { Handoff, HandoffSummary, NewHandoff } from './store.js';

const LIVE = ['queued', 'claimed'];

function notFound(id: number): SwitchboardError {
  return new SwitchboardError('store_not_found', `store: handoff ${id} not found`);
}

export async function findActiveHandoff(db: Kysely<Database>, conversationId: number): Promise<Handoff | undefined> {
  const row = await db
    .selectFrom('handoffs')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('status', 'in', LIVE)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && handoffFromRow(row);
}

export async function getHandoff(db: Kysely<Database>, id: number): Promise<Handoff | undefined> {
  const row = await db.selectFrom('handoffs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && handoffFromRow(row);
}

export async function createHandoff(db: Kysely<Database>, input: NewHandoff, now: Date): Promise<{ handoff: Handoff; created: boolean }> {
  const at = toDbTime(now);
  const pagedAt = toDbTime(input.pagedAt);
  // The unique partial index on live handoffs makes a concurrent second escalation a no-op.
  const row = await db
    .insertInto('handoffs')
    .values({
      conversation_id: input.conversationId,
      status: 'queued',
      reason: input.reason,
      reason_detail: input.reasonDetail ?? null,
      language: input.language,
      desk_channel: null,
      desk_thread: null,
      claimed_by: null,
      claimed_by_name: null,
      paged_at: pagedAt,
      last_paged_at: pagedAt,
      repaged_count: 0,
      claimed_at: null,
      ended_at: null,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { handoff: handoffFromRow(row), created: true };
  const live = await findActiveHandoff(db, input.conversationId);
  if (!live) throw new SwitchboardError('store_conflict', `store: could not open a handoff for conversation ${input.conversationId}`);
  return { handoff: live, created: false };
}

export async function findHandoffByThread(db: Kysely<Database>, deskChannel: string, deskThread: string): Promise<Handoff | undefined> {
  const row = await db
    .selectFrom('handoffs')
    .selectAll()
    .where('desk_channel', '=', deskChannel)
    .where('desk_thread', '=', deskThread)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && handoffFromRow(row);
}

export async function setHandoffThread(db: Kysely<Database>, id: number, deskChannel: string, deskThread: string, now: Date): Promise<Handoff> {
  const row = await db
    .updateTable('handoffs')
    .set({ desk_channel: deskChannel, desk_thread: deskThread, updated_at: toDbTime(now) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(id);
  return handoffFromRow(row);
}

export async function setHandoffSummary(db: Kysely<Database>, id: number, summary: HandoffSummary, now: Date): Promise<Handoff> {
  const row = await db
    .updateTable('handoffs')
    .set({ summary_language: summary.language, summary_text: summary.text, updated_at: toDbTime(now) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(id);
  return handoffFromRow(row);
}

export async function claimHandoff(
  db: Kysely<Database>,
  id: number,
  agent: { id: string; name: string },
  at: Date,
): Promise<{ handoff: Handoff; claimed: boolean }> {
  const row = await db
    .updateTable('handoffs')
    .set({ status: 'claimed', claimed_by: agent.id, claimed_by_name: agent.name, claimed_at: toDbTime(at), updated_at: toDbTime(at) })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
  if (row) return { handoff: handoffFromRow(row), claimed: true };
  const current = await getHandoff(db, id);
  if (!current) throw notFound(id);
  return { handoff: current, claimed: false };
}

export async function endHandoff(db: Kysely<Database>, id: number, status: 'released' | 'closed', at: Date): Promise<Handoff | undefined> {
  const row = await db
    .updateTable('handoffs')
    .set({ status, ended_at: toDbTime(at), updated_at: toDbTime(at) })
    .where('id', '=', id)
    .where('status', 'in', LIVE)
    .returningAll()
    .executeTakeFirst();
  return row && handoffFromRow(row);
}

export async function recordRepage(db: Kysely<Database>, id: number, lastPagedAt: Date, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('handoffs')
    .set((eb) => ({ last_paged_at: toDbTime(at), repaged_count: eb('repaged_count', '+', 1), updated_at: toDbTime(at) }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('last_paged_at', '=', toDbTime(lastPagedAt))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listQueuedHandoffs(db: Kysely<Database>): Promise<Handoff[]> {
  const rows = await db.selectFrom('handoffs').selectAll().where('status', '=', 'queued').orderBy('id').execute();
  return rows.map(handoffFromRow);
}

export async function listRecentClaims(db: Kysely<Database>, limit: number): Promise<Handoff[]> {
  const rows = await db.selectFrom('handoffs').selectAll().where('claimed_at', 'is not', null).orderBy('claimed_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(handoffFromRow);
}

export async function recordWebhookEvent(db: Kysely<Database>, source: string, eventId: string, at: Date): Promise<boolean> {
  const row = await db
    .insertInto('webhook_events')
    .values({ source, event_id: eventId, received_at: toDbTime(at) })
    .onConflict((oc) => oc.doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}
