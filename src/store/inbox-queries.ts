/**
 * The inbox half of the store: recorded inbound messages whose turn has not run (processed_at null). A worker
 * leases the oldest unprocessed message of an address; the address's younger messages wait until it is
 * processed, so turns keep arrival order per customer across replicas. Like the outbox's, every claim is a
 * conditional UPDATE that re-checks the lease, so only one claimer wins a row, and no row lock or connection is
 * held while the turn runs.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import { z } from 'zod';
import type { ChannelHints } from '../model.js';
import { messageFromRow, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { InboxItem } from './store.js';
import { INBOUND, limitOf } from './literal-terms.js';
import { precompiledByShape } from './precompiled-query.js';

const channelHints = z.object({ locale: z.string().optional(), country: z.string().optional(), name: z.string().optional() });

/** The hints as stored with the message: null when the channel gave none. */
export function hintsColumn(hints: ChannelHints | undefined): string | null {
  return hints && Object.keys(hints).length > 0 ? JSON.stringify(hints) : null;
}

function hintsOf(column: string | null): ChannelHints {
  if (column === null) return {};
  const parsed = channelHints.safeParse(JSON.parse(column));
  // Hints only sharpen the language guess: a row whose hints cannot be read is still answered.
  return parsed.success ? Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) : {};
}

/** Whether an older message of the same customer is still unprocessed: then this one waits its turn. */
function hasOlderUnprocessed(eb: ExpressionBuilder<Database, 'messages' | 'conversations'>) {
  return eb.exists(
    eb
      .selectFrom('messages as older')
      .innerJoin('conversations as older_conversation', 'older_conversation.id', 'older.conversation_id')
      .select('older.id')
      .whereRef('older_conversation.customer_id', '=', 'conversations.customer_id')
      .where('older.direction', '=', INBOUND)
      .where('older.processed_at', 'is', null)
      .whereRef('older.id', '<', 'messages.id'),
  );
}

/** Up to `limit` unprocessed messages, each the oldest of its customer's and not leased by a live worker. */
const claimableMessages = precompiledByShape((limit: number) => (db, p: { at: string }) =>
  db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'conversations.address_id'])
    .where('messages.direction', '=', INBOUND)
    .where('messages.processed_at', 'is', null)
    .where((eb) => eb.or([eb('messages.inbox_lease_until', 'is', null), eb('messages.inbox_lease_until', '<=', p.at)]))
    .where((eb) => eb.not(hasOlderUnprocessed(eb)))
    .orderBy('messages.id')
    .limit(limitOf(limit)),
);

/** Leases up to `limit` unprocessed messages, each the oldest of its address and not leased by a live worker. */
export async function claimInbox(db: Kysely<Database>, now: Date, leaseMs: number, limit: number): Promise<InboxItem[]> {
  const at = toDbTime(now);
  const leaseUntil = toDbTime(new Date(now.getTime() + leaseMs));
  const { rows: candidates } = await claimableMessages(limit).execute(db, { at });
  if (candidates.length === 0) return [];
  const addressOf = new Map(candidates.map((c) => [c.id, c.address_id]));
  // One UPDATE for the batch. The lease re-checked in its WHERE makes it a compare-and-set per row against another
  // replica's claim: a row another claimer took meanwhile is simply not returned.
  const rows = await db
    .updateTable('messages')
    .set((eb) => ({ inbox_lease_until: leaseUntil, inbox_attempts: eb('inbox_attempts', '+', 1) }))
    .where('id', 'in', [...addressOf.keys()])
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('inbox_lease_until', 'is', null), eb('inbox_lease_until', '<=', at)]))
    .returningAll()
    .execute();
  const claimed: InboxItem[] = [];
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    const message = messageFromRow(row);
    claimed.push({ message, address: { channel: message.channel, id: addressOf.get(row.id) ?? '' }, hints: hintsOf(row.hints), attempts: row.inbox_attempts });
  }
  return claimed;
}

/** Extends the leases of messages whose turns are running; processed ones are left alone. */
export async function renewInboxLeases(db: Kysely<Database>, ids: readonly number[], leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ inbox_lease_until: toDbTime(leaseUntil) })
    .where('id', 'in', [...ids])
    .where('processed_at', 'is', null)
    .execute();
}

/** A failed turn: the message stays unprocessed (holding back its address) and is due again at `until`. */
export async function deferInbox(db: Kysely<Database>, id: number, until: Date): Promise<void> {
  await db.updateTable('messages').set({ inbox_lease_until: toDbTime(until) }).where('id', '=', id).where('processed_at', 'is', null).execute();
}

/** Gives up on a message whose turns kept failing: marked processed without replies, so its address goes on. */
export async function abandonInbox(db: Kysely<Database>, id: number, now: Date): Promise<void> {
  await db.updateTable('messages').set({ processed_at: toDbTime(now), inbox_lease_until: null }).where('id', '=', id).where('processed_at', 'is', null).execute();
}

/** Frees every lease on unprocessed messages (at start, when this process alone uses the database). */
export async function releaseInbox(db: Kysely<Database>): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ inbox_lease_until: null })
    .where('direction', '=', INBOUND)
    .where('processed_at', 'is', null)
    .where('inbox_lease_until', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
