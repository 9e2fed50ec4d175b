/**
 * The data-subject half of the store: everything about one customer read out (access request) or deleted
 * (erasure request). Erasure is one transaction that deletes children before parents, because outbox rows
 * reference messages and conversations, and messages, handoffs, surveys and conversations reference their parents.
 */
import type { Kysely } from 'kysely';
import { conversationFromRow, customerFromRow, handoffFromRow, messageFromRow, surveyFromRow } from './rows.js';
import type { Database } from './schema.js';
import type { CustomerExport, ErasedCounts, Handoff, Message } from './store.js';

/** Reads the customer, their conversations, and each conversation's messages and handoffs, oldest first. */
export async function exportCustomer(db: Kysely<Database>, customerId: number): Promise<CustomerExport | undefined> {
  const customerRow = await db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!customerRow) return undefined;
  const conversationRows = await db.selectFrom('conversations').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();
  const ids = conversationRows.map((row) => row.id);
  // Two queries for all conversations instead of two per conversation; `in ()` is invalid SQL, hence the guard.
  const messageRows = ids.length === 0 ? [] : await db.selectFrom('messages').selectAll().where('conversation_id', 'in', ids).orderBy('id').execute();
  const handoffRows = ids.length === 0 ? [] : await db.selectFrom('handoffs').selectAll().where('conversation_id', 'in', ids).orderBy('id').execute();
  const surveyRows = ids.length === 0 ? [] : await db.selectFrom('surveys').selectAll().where('conversation_id', 'in', ids).execute();
  const surveys = new Map(surveyRows.map((row) => [row.conversation_id, surveyFromRow(row)]));
  const messages = groupBy(messageRows.map(messageFromRow), (m: Message) => m.conversationId);
  const handoffs = groupBy(handoffRows.map(handoffFromRow), (h: Handoff) => h.conversationId);
  return {
    customer: customerFromRow(customerRow),
    conversations: conversationRows.map((row) => ({
      conversation: conversationFromRow(row),
      messages: messages.get(row.id) ?? [],
      handoffs: handoffs.get(row.id) ?? [],
      survey: surveys.get(row.id) ?? null,
    })),
  };
}

/** Deletes the customer and all their rows in one transaction; undefined (and nothing deleted) when unknown. */
export async function eraseCustomer(db: Kysely<Database>, customerId: number): Promise<ErasedCounts | undefined> {
  return db.transaction().execute(async (trx) => {
    const customer = await trx.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
    if (!customer) return undefined;
    const ofCustomer = trx.selectFrom('conversations').select('id').where('customer_id', '=', customerId);
    const outbox = await trx.deleteFrom('outbox').where('conversation_id', 'in', ofCustomer).executeTakeFirst();
    const messages = await trx.deleteFrom('messages').where('conversation_id', 'in', ofCustomer).executeTakeFirst();
    const handoffs = await trx.deleteFrom('handoffs').where('conversation_id', 'in', ofCustomer).executeTakeFirst();
    const surveys = await trx.deleteFrom('surveys').where('customer_id', '=', customerId).executeTakeFirst();
    const conversations = await trx.deleteFrom('conversations').where('customer_id', '=', customerId).executeTakeFirst();
    await trx.deleteFrom('customers').where('id', '=', customerId).execute();
    return {
      messages: Number(messages.numDeletedRows),
      conversations: Number(conversations.numDeletedRows),
      handoffs: Number(handoffs.numDeletedRows),
      outbox: Number(outbox.numDeletedRows),
      surveys: Number(surveys.numDeletedRows),
    };
  });
}

function groupBy<T>(items: T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
