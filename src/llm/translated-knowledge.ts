/**
 * The knowledge base as customers get it once a model has translated it: the file's entries with the
 * translations filling in only what the file lacks. The file's own words always win, so a business that
 * writes a language itself is never overruled by the machine.
 */
import { createKnowledgeBase, type KnowledgeBase, type KnowledgeEntry } from '../engine/knowledge.js';
import type { KnowledgeText } from '../engine/llm-prompt.js';
import type { KnowledgeTranslation } from '../store/store.js';

/** One entry to translate into one language. */
export interface TranslationTask {
  entry: KnowledgeEntry;
  language: string;
}

/** What an entry is translated from: its default-language text (questions in any language if it has none there). */
export function translationSource(entry: KnowledgeEntry, defaultLanguage: string): KnowledgeText {
  const short = entry.short[defaultLanguage];
  return {
    questions: entry.questions[defaultLanguage] ?? Object.values(entry.questions)[0] ?? [],
    // Every entry answers in the default language (checked when the file is loaded).
    answer: entry.answers[defaultLanguage] ?? '',
    ...(short !== undefined && { short }),
  };
}

/** Each served language, in turn, with the entries that have no questions or no answer in it. */
export function missingTranslations(entries: readonly KnowledgeEntry[], languages: readonly string[], defaultLanguage: string): TranslationTask[] {
  return languages
    .filter((language) => language !== defaultLanguage)
    .flatMap((language) =>
      entries.filter((entry) => entry.questions[language] === undefined || entry.answers[language] === undefined).map((entry) => ({ entry, language })),
    );
}

/** The entries with translated answers (and SMS answers) where the file has no answer, and translated questions where it has none. */
export function mergeTranslations(
  entries: readonly KnowledgeEntry[],
  translations: readonly KnowledgeTranslation[],
): { entries: KnowledgeEntry[]; extraQuestions: Record<string, Record<string, string[]>> } {
  const extraQuestions: Record<string, Record<string, string[]>> = {};
  const merged = entries.map((entry) => {
    const answers = { ...entry.answers };
    const short = { ...entry.short };
    for (const translation of translations.filter((t) => t.entryId === entry.id)) {
      const { language } = translation;
      if (entry.questions[language] === undefined) (extraQuestions[entry.id] ??= {})[language] = translation.questions;
      // An answer and its SMS form come from one translation, never a file answer beside a machine short one.
      if (entry.answers[language] !== undefined) continue;
      answers[language] = translation.answer;
      if (translation.short !== undefined) short[language] = translation.short;
    }
    return { ...entry, answers, short };
  });
  return { entries: merged, extraQuestions };
}

/** Trains the knowledge base on the file's entries and the translations. */
export function buildTranslatedKnowledge(entries: readonly KnowledgeEntry[], translations: readonly KnowledgeTranslation[], defaultLanguage: string): KnowledgeBase {
  const merged = mergeTranslations(entries, translations);
  return createKnowledgeBase(merged.entries, { defaultLanguage, extraQuestions: merged.extraQuestions });
}
