/**
 * The spike-alert half of the store: how often each watched topic (an escalation reason, a knowledge entry, the
 * unanswered messages) occurred per UTC hour, example customer messages of a topic, and the claim of an alert
 * (the unique topic and hour, so replicas checking together post it once).
 */
import { sql, type Kysely } from 'kysely';
import { toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { TopicCount, TopicKind } from './store.js';
import { FLAGGED } from './literal-terms.js';
import { precompiled } from './precompiled-query.js';

const hourOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 13)`;

const setAnswerEntry = precompiled((db, p: { id: number; entryId: string }) => db.updateTable('messages').set({ knowledge_entry: p.entryId }).where('id', '=', p.id));

export async function recordAnswerEntry(db: Kysely<Database>, messageId: number, entryId: string): Promise<void> {
  await setAnswerEntry.execute(db, { id: messageId, entryId });
}

export async function topicCounts(db: Kysely<Database>, from: Date, to: Date): Promise<TopicCount[]> {
  const [start, end] = [toDbTime(from), toDbTime(to)];
  const count = sql<string | number>`count(*)`.as('count');
  const [reasons, entries, unanswered] = await Promise.all([
    db
      .selectFrom('handoffs')
      .select(['reason as key', hourOf('created_at').as('hour'), count])
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .groupBy(['reason', hourOf('created_at')])
      .execute(),
    db
      .selectFrom('messages')
      .select([sql<string>`knowledge_entry`.as('key'), hourOf('created_at').as('hour'), count])
      .where('knowledge_entry', 'is not', null)
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .groupBy(['knowledge_entry', hourOf('created_at')])
      .execute(),
    db
      .selectFrom('messages')
      .select([hourOf('created_at').as('hour'), count])
      .where('unanswered', '=', FLAGGED)
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .groupBy(hourOf('created_at'))
      .execute(),
  ]);
  const of = (kind: TopicKind, rows: { key: string; hour: string; count: string | number }[]): TopicCount[] =>
    rows.map((r) => ({ kind, key: r.key, hour: r.hour, count: Number(r.count) }));
  return [...of('reason', reasons), ...of('entry', entries), ...of('unanswered', unanswered.map((r) => ({ ...r, key: '' })))];
}

/** Up to `limit` different customer messages of the topic since `since`, newest first. */
export async function topicExamples(db: Kysely<Database>, kind: TopicKind, key: string, since: Date, limit: number): Promise<string[]> {
  const after = toDbTime(since);
  // Read a few more than asked: the same question asked again is one example.
  const read = limit * 5;
  const texts =
    kind === 'reason'
      ? // The customer's message that led to each handoff: their last one before it.
        (
          await db
            .selectFrom('handoffs as h')
            .select(
              sql<string | null>`(select m.text from messages m where m.conversation_id = h.conversation_id and m.direction = 'in' and m.created_at <= h.created_at order by m.id desc limit 1)`.as(
                'text',
              ),
            )
            .where('h.reason', '=', key)
            .where('h.created_at', '>=', after)
            .orderBy('h.created_at', 'desc')
            .limit(read)
            .execute()
        ).map((r) => r.text)
      : (
          await db
            .selectFrom('messages')
            .select('text')
            .where(kind === 'entry' ? sql<boolean>`knowledge_entry = ${key}` : sql<boolean>`unanswered = 1`)
            .where('created_at', '>=', after)
            .orderBy('created_at', 'desc')
            .limit(read)
            .execute()
        ).map((r) => r.text);
  return [...new Set(texts.filter((text): text is string => text !== null && text.trim() !== ''))].slice(0, limit);
}

/**
 * Records the alert unless the topic had one in the last hour: the unique (topic, hour) row settles a race between
 * replicas, the look-back keeps two alerts from straddling the turn of an hour minutes apart.
 */
export async function claimSpikeAlert(db: Kysely<Database>, topic: string, hour: string, count: number, at: Date): Promise<boolean> {
  const since = toDbTime(new Date(at.getTime() - 60 * 60 * 1000));
  const result = await sql<{ topic: string }>`insert into spike_alerts (topic, hour, count, created_at)
    select ${topic}, ${hour}, cast(${count} as integer), ${toDbTime(at)}
    where not exists (select 1 from spike_alerts where topic = ${topic} and created_at > ${since})
    on conflict (topic, hour) do nothing
    returning topic`.execute(db);
  return result.rows.length > 0;
}
