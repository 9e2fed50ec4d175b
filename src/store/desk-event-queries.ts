/**
 * The staff desk's inbox: events from the desk (a staff member's thread reply, a Claim / Hand back / Close click)
 * recorded before the desk's webhook is answered, and worked off later by an inbox worker. The event's id is
 * recorded in webhook_events in the same transaction, so a redelivery is refused. A worker leases the oldest
 * unprocessed event of each order key (the desk thread), so one thread's events run one at a time and in order,
 * across replicas; like the messages' inbox, each claim is a conditional UPDATE that re-checks the lease.
 */
import type { Kysely } from 'kysely';
import { fromDbTime, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { DeskEventItem, NewDeskEvent } from './store.js';

/** Records the event unless its id was seen before; false for a redelivery. */
export async function recordDeskEvent(db: Kysely<Database>, event: NewDeskEvent): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const at = toDbTime(event.receivedAt);
    const fresh = await trx
      .insertInto('webhook_events')
      .values({ source: event.source, event_id: event.eventId, received_at: at })
      .onConflict((oc) => oc.doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!fresh) return false;
    await trx.insertInto('desk_events').values({ source: event.source, event_id: event.eventId, order_key: event.orderKey, payload: event.payload, received_at: at, attempts: 0 }).execute();
    return true;
  });
}

/** Leases up to `limit` unprocessed events, each the oldest unprocessed of its order key and not leased by a live worker. */
export async function claimDeskEvents(db: Kysely<Database>, now: Date, leaseMs: number, limit: number): Promise<DeskEventItem[]> {
  const at = toDbTime(now);
  const candidates = await db
    .selectFrom('desk_events')
    .select('id')
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('desk_events as older')
            .select('older.id')
            .whereRef('older.order_key', '=', 'desk_events.order_key')
            .where('older.processed_at', 'is', null)
            .whereRef('older.id', '<', 'desk_events.id'),
        ),
      ),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  if (candidates.length === 0) return [];
  const rows = await db
    .updateTable('desk_events')
    .set((eb) => ({ lease_until: toDbTime(new Date(now.getTime() + leaseMs)), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', candidates.map((c) => c.id))
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
    .returningAll()
    .execute();
  return rows
    .sort((a, b) => a.id - b.id)
    .map((row) => ({ id: row.id, source: row.source, eventId: row.event_id, payload: row.payload, receivedAt: fromDbTime(row.received_at), attempts: row.attempts }));
}

export async function renewDeskEventLeases(db: Kysely<Database>, ids: readonly number[], leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('desk_events').set({ lease_until: toDbTime(leaseUntil) }).where('id', 'in', [...ids]).where('processed_at', 'is', null).execute();
}

/** A failed event stays unprocessed (holding back its thread) and is due again at `until`. */
export async function deferDeskEvent(db: Kysely<Database>, id: number, until: Date): Promise<void> {
  await db.updateTable('desk_events').set({ lease_until: toDbTime(until) }).where('id', '=', id).where('processed_at', 'is', null).execute();
}

/** Done with an event — handled, or given up after its attempts — so its thread goes on. False when it was done already. */
export async function finishDeskEvent(db: Kysely<Database>, id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('desk_events')
    .set({ processed_at: toDbTime(now), lease_until: null })
    .where('id', '=', id)
    .where('processed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Frees every lease on unprocessed events (at start, when this process alone uses the database). */
export async function releaseDeskEvents(db: Kysely<Database>): Promise<number> {
  const result = await db.updateTable('desk_events').set({ lease_until: null }).where('processed_at', 'is', null).where('lease_until', 'is not', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
