/**
 * The survey half of the store: which conversations are due for a satisfaction survey, claiming one (the unique
 * conversation id makes a second claim a no-op, race-free across replicas), finding the survey a customer's
 * message may answer, and recording the rating once.
 */
import { sql, type Kysely } from 'kysely';
import { conversationFromRow, surveyFromRow, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { Conversation, HandledBy, NewSurvey, Survey, SurveyDueRule } from './store.js';
import { INBOUND, OUTBOUND } from './literal-terms.js';

/**
 * Closed by staff, or in the bot's hands (answered by it, or handed back to it) with the last word ours and
 * nothing said since `idleBefore`; the customer wrote since `activeSince`, is not opted out, and was not asked yet.
 */
export async function listSurveysDue(db: Kysely<Database>, rule: SurveyDueRule, limit: number): Promise<{ conversation: Conversation; handledBy: HandledBy }[]> {
  const idleBefore = toDbTime(rule.idleBefore);
  const rows = await db
    .selectFrom('conversations as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .selectAll('c')
    .select(sql<number>`case when exists (select 1 from handoffs h where h.conversation_id = c.id) then 1 else 0 end`.as('had_handoff'))
    .where('cu.opted_out', '=', 0)
    .where('c.last_inbound_at', '>=', toDbTime(rule.activeSince))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('surveys as s').select('s.id').whereRef('s.conversation_id', '=', 'c.id'))))
    .where(({ eb, and, or, not, exists, selectFrom }) =>
      or([
        eb('c.state', '=', 'closed'),
        and([
          eb('c.state', '=', 'bot'),
          eb('c.last_inbound_at', '<', idleBefore),
          not(exists(selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'c.id').where('m.created_at', '>=', idleBefore))),
          // The customer's last message was answered (by the bot, or by the notice that the bot is back).
          exists(selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'c.id').where('m.direction', '=', OUTBOUND).whereRef('m.created_at', '>=', 'c.last_inbound_at')),
        ]),
      ]),
    )
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map(({ had_handoff, ...row }) => ({ conversation: conversationFromRow(row), handledBy: Number(had_handoff) === 1 ? 'human' : 'bot' }));
}

export async function claimSurvey(db: Kysely<Database>, survey: NewSurvey, askedAt: Date): Promise<Survey | undefined> {
  const row = await db
    .insertInto('surveys')
    .values({
      conversation_id: survey.conversationId,
      customer_id: survey.customerId,
      handled_by: survey.handledBy,
      language: survey.language,
      asked_at: toDbTime(askedAt),
      rating: null,
      answered_at: null,
    })
    .onConflict((oc) => oc.column('conversation_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && surveyFromRow(row);
}

export async function findAwaitingSurvey(db: Kysely<Database>, customerId: number, since: Date, answer: number): Promise<Survey | undefined> {
  const row = await db
    .selectFrom('surveys as s')
    .selectAll('s')
    .where('s.customer_id', '=', customerId)
    .where('s.rating', 'is', null)
    .where('s.asked_at', '>=', toDbTime(since))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('messages as m')
            .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
            .select('m.id')
            .where('c.customer_id', '=', customerId)
            .where('m.direction', '=', INBOUND)
            // The answer itself is recorded already (the inbox records before the turn runs): any other message since the question means it was not answered.
            .where('m.id', '<', answer)
            .whereRef('m.created_at', '>', 's.asked_at'),
        ),
      ),
    )
    .orderBy('s.asked_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && surveyFromRow(row);
}

export async function answerSurvey(db: Kysely<Database>, surveyId: number, rating: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({ rating, answered_at: toDbTime(at) })
    .where('id', '=', surveyId)
    .where('rating', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
