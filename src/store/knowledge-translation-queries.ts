/**
 * The knowledge-translation cache: rows keyed by the knowledge file's SHA-256, language and entry id. Rows of
 * an older file are never read again (its hash no longer matches).
 */
import type { Kysely } from 'kysely';
import { knowledgeTranslationFromRow, toDbTime } from './rows.js';
import type { Database } from './schema.js';
import type { KnowledgeTranslation } from './store.js';

export async function listKnowledgeTranslations(db: Kysely<Database>, knowledgeHash: string): Promise<KnowledgeTranslation[]> {
  const rows = await db.selectFrom('knowledge_translations').selectAll().where('knowledge_hash', '=', knowledgeHash).execute();
  return rows.map(knowledgeTranslationFromRow);
}

export async function saveKnowledgeTranslation(db: Kysely<Database>, knowledgeHash: string, translation: KnowledgeTranslation, now: Date): Promise<void> {
  await db
    .insertInto('knowledge_translations')
    .values({
      knowledge_hash: knowledgeHash,
      language: translation.language,
      entry_id: translation.entryId,
      questions: JSON.stringify(translation.questions),
      answer: translation.answer,
      short: translation.short ?? null,
      created_at: toDbTime(now),
    })
    // Replicas translating at once each save; the first row is as good as the second.
    .onConflict((oc) => oc.doNothing())
    .execute();
}
