/**
 * The operator half of the store: the outbox backlog for the metrics, the figures behind the insights (CSAT included), the flag
 * on unanswered messages, and the retention sweep. Figures are aggregated in SQL (both dialects: ISO-8601 text
 * times, so a day is the first ten characters) so a period of 100,000 conversations stays one cheap read.
 */
import { sql, type Kysely } from 'kysely';
import { fromDbTime, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import { FLAGGED } from './literal-terms.js';
import { precompiled } from './precompiled-query.js';

/** A half-open period [from, to). */
export interface InsightsPeriod {
  from: Date;
  to: Date;
}

/** The raw figures of a period, as {@link Store.insightFigures} reads them. */
export interface InsightFigures {
  /** Per day (YYYY-MM-DD, UTC) of creation and channel. */
  days: { day: string; channel: string; conversations: number; settled: number; resolved: number }[];
  languages: { language: string; conversations: number }[];
  handoffReasons: { reason: string; handoffs: number }[];
  /** Seconds from paged to claimed of the period's claimed handoffs. */
  claimWaits: number[];
  /** The period's unanswered customer messages, newest first (at most `unansweredLimit`). */
  unanswered: { text: string; at: Date }[];
  /** Satisfaction surveys asked in the period, by who looked after the conversation: the answered ones' ratings summed, and how many were 4 or 5. */
  surveys: { handledBy: string; asked: number; answered: number; ratingSum: number; satisfied: number }[];
}

/** Live outbox rows, for the pending gauges. */
export async function outboxBacklog(db: Kysely<Database>): Promise<{ pending: number; oldestCreatedAt: Date | undefined }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<string | number>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', ['pending', 'inflight'])
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), oldestCreatedAt: row.oldest === null ? undefined : fromDbTime(row.oldest) };
}

const flagUnanswered = precompiled((db, p: { id: number }) => db.updateTable('messages').set({ unanswered: 1 }).where('id', '=', p.id));

export async function markUnanswered(db: Kysely<Database>, messageId: number): Promise<void> {
  await flagUnanswered.execute(db, { id: messageId });
}

/**
 * A conversation counts as resolved by the bot when the bot replied, no person was asked for, none of its
 * messages went unanswered, and the customer did not write again for 24 hours after their last message
 * ("settled": only settled conversations are judged, so the rate does not rise while customers may still come back).
 */
export async function insightFigures(db: Kysely<Database>, period: InsightsPeriod, now: Date, unansweredLimit: number): Promise<InsightFigures> {
  const from = toDbTime(period.from);
  const to = toDbTime(period.to);
  const settledBefore = toDbTime(new Date(now.getTime() - 24 * 60 * 60 * 1000));
  const settled = sql<boolean>`c.last_inbound_at is not null and c.last_inbound_at < ${settledBefore}`;
  const resolved = sql<boolean>`${settled}
    and exists (select 1 from messages m where m.conversation_id = c.id and m.direction = 'out' and m.author = 'bot')
    and not exists (select 1 from messages m where m.conversation_id = c.id and m.unanswered = 1)
    and not exists (select 1 from handoffs h where h.conversation_id = c.id)`;
  const day = sql<string>`substr(c.created_at, 1, 10)`;
  const [days, languages, handoffReasons, claims, unanswered, surveys] = await Promise.all([
    db
      .selectFrom('conversations as c')
      .select([
        day.as('day'),
        'c.channel',
        sql<string | number>`count(*)`.as('conversations'),
        sql<string | number>`sum(case when ${settled} then 1 else 0 end)`.as('settled'),
        sql<string | number>`sum(case when ${resolved} then 1 else 0 end)`.as('resolved'),
      ])
      .where('c.created_at', '>=', from)
      .where('c.created_at', '<', to)
      .groupBy([day, 'c.channel'])
      .orderBy(day)
      .execute(),
    db
      .selectFrom('conversations')
      .select(['language', sql<string | number>`count(*)`.as('conversations')])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy('language')
      .execute(),
    db
      .selectFrom('handoffs')
      .select(['reason', sql<string | number>`count(*)`.as('handoffs')])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy('reason')
      .execute(),
    db
      .selectFrom('handoffs')
      .select(['paged_at', 'claimed_at'])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .where('claimed_at', 'is not', null)
      .execute(),
    db
      .selectFrom('messages')
      .select(['text', 'created_at'])
      .where('unanswered', '=', FLAGGED)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .orderBy('created_at', 'desc')
      .limit(unansweredLimit)
      .execute(),
    db
      .selectFrom('surveys')
      .select([
        'handled_by',
        sql<string | number>`count(*)`.as('asked'),
        sql<string | number>`count(rating)`.as('answered'),
        sql<string | number | null>`sum(rating)`.as('rating_sum'),
        sql<string | number>`sum(case when rating >= 4 then 1 else 0 end)`.as('satisfied'),
      ])
      .where('asked_at', '>=', from)
      .where('asked_at', '<', to)
      .groupBy('handled_by')
      .execute(),
  ]);
  return {
    days: days.map((r) => ({ day: r.day, channel: r.channel, conversations: Number(r.conversations), settled: Number(r.settled), resolved: Number(r.resolved) })),
    languages: languages.map((r) => ({ language: r.language, conversations: Number(r.conversations) })),
    handoffReasons: handoffReasons.map((r) => ({ reason: r.reason, handoffs: Number(r.handoffs) })),
    claimWaits: claims.map((r) => (fromDbTime(r.claimed_at ?? r.paged_at).getTime() - fromDbTime(r.paged_at).getTime()) / 1000),
    unanswered: unanswered.map((r) => ({ text: r.text, at: fromDbTime(r.created_at) })),
    surveys: surveys.map((r) => ({ handledBy: r.handled_by, asked: Number(r.asked), answered: Number(r.answered), ratingSum: Number(r.rating_sum ?? 0), satisfied: Number(r.satisfied) })),
  };
}

/**
 * Retention: deletes up to `limit` conversations with no activity since `before` — no message after it, no
 * reply still to deliver, no person still on it — with their outbox rows, messages, handoffs and surveys, children first,
 * in one transaction. Customers stay (their opt-out must outlive their conversations). Returns how many went.
 */
export async function deleteInactiveConversations(db: Kysely<Database>, before: Date, limit: number): Promise<number> {
  const cutoff = toDbTime(before);
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('conversations as c')
      .select('c.id')
      .where('c.updated_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'c.id').where('m.created_at', '>=', cutoff))),
      )
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('outbox as o').select('o.id').whereRef('o.conversation_id', '=', 'c.id').where('o.status', 'in', ['pending', 'inflight']))),
      )
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('handoffs as h').select('h.id').whereRef('h.conversation_id', '=', 'c.id').where('h.status', 'in', ['queued', 'claimed']))),
      )
      .orderBy('c.id')
      .limit(limit)
      .execute();
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return 0;
    await trx.deleteFrom('outbox').where('conversation_id', 'in', ids).execute();
    await trx.deleteFrom('messages').where('conversation_id', 'in', ids).execute();
    await trx.deleteFrom('handoffs').where('conversation_id', 'in', ids).execute();
    await trx.deleteFrom('surveys').where('conversation_id', 'in', ids).execute();
    await trx.deleteFrom('conversations').where('id', 'in', ids).execute();
    return ids.length;
  });
}
