/**
 * Translates the knowledge base into every served language in the background, so the offline matcher
 * understands and answers customers in languages the file does not have. Translations are cached in the
 * store by the knowledge file's SHA-256: a restart loads them without asking the model, and a changed file
 * misses the cache and is translated afresh. Never on a customer's turn; a failed or unfit translation is
 * skipped and asked for again on the next start.
 */
import type { Logger } from '../logger.js';
import type { KnowledgeBase, KnowledgeEntry } from '../engine/knowledge.js';
import type { Llm } from '../engine/llm.js';
import type { KnowledgeTranslation, Store } from '../store/store.js';
import { checkKnowledgeTranslation } from './knowledge-translation-check.js';
import { buildTranslatedKnowledge, missingTranslations, translationSource, type TranslationTask } from './translated-knowledge.js';

export interface KnowledgeTranslationJobOptions {
  llm: Pick<Llm, 'translateKnowledge'>;
  store: Pick<Store, 'listKnowledgeTranslations' | 'saveKnowledgeTranslation'>;
  /** The knowledge file's entries, as written. */
  entries: readonly KnowledgeEntry[];
  /** SHA-256 of the knowledge file: the cache key. */
  knowledgeHash: string;
  /** The served languages. */
  languages: readonly string[];
  defaultLanguage: string;
  /** Receives each knowledge base rebuilt with more translations, to answer from it. */
  onRebuilt: (knowledge: KnowledgeBase) => void;
  logger: Logger;
  /** Model calls at once. Default 2: the job should not crowd out customers' answers at the model. */
  concurrency?: number;
}

export interface KnowledgeTranslationJob {
  /** Loads the cached translations, then asks the model for the missing ones; returns at once. */
  start(): void;
  /** Cancels the model calls in flight; resolves once nothing more will touch the store. */
  stop(): Promise<void>;
}

/**
 * Failed or unfit translations in a row after which the job waits for the next start: a model that is down,
 * rate-limited or not up to the task would otherwise be asked hundreds of times for nothing.
 */
const FAILURES_IN_A_ROW = 3;

const keyOf = (entryId: string, language: string): string => `${language}/${entryId}`;

export function createKnowledgeTranslationJob(options: KnowledgeTranslationJobOptions): KnowledgeTranslationJob {
  const { llm, store, entries, knowledgeHash, defaultLanguage } = options;
  const logger = options.logger.child({ component: 'knowledge-translation' });
  const cancel = new AbortController();
  const translations: KnowledgeTranslation[] = [];
  let failuresInARow = 0;
  let running: Promise<void> = Promise.resolve();
  const halted = (): boolean => cancel.signal.aborted || failuresInARow >= FAILURES_IN_A_ROW;

  function rebuild(): void {
    // Retraining takes about a second of CPU, so it happens per language, not per translation.
    options.onRebuilt(buildTranslatedKnowledge(entries, translations, defaultLanguage));
    logger.info({ translations: translations.length, languages: [...new Set(translations.map((t) => t.language))] }, 'knowledge base rebuilt with translations');
  }

  async function translate({ entry, language }: TranslationTask): Promise<KnowledgeTranslation | undefined> {
    const source = translationSource(entry, defaultLanguage);
    const reply = await llm.translateKnowledge(source, defaultLanguage, language, cancel.signal);
    // The client has logged why.
    if (!reply.ok) return undefined;
    const checked = checkKnowledgeTranslation(source, reply.text);
    if (!checked.ok) {
      logger.warn({ entryId: entry.id, language, reason: checked.reason }, 'knowledge translation rejected; asking again on the next start');
      return undefined;
    }
    const translation = { ...checked.text, questions: [...checked.text.questions], entryId: entry.id, language };
    await store.saveKnowledgeTranslation(knowledgeHash, translation);
    return translation;
  }

  /** `translate` over the tasks, `concurrency` at a time, starting none once halted. */
  async function translateAll(tasks: readonly TranslationTask[]): Promise<KnowledgeTranslation[]> {
    const results: KnowledgeTranslation[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let task = tasks[next++]; task !== undefined && !halted(); task = tasks[next++]) {
        const translation = await translate(task);
        failuresInARow = translation ? 0 : failuresInARow + 1;
        if (translation) results.push(translation);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
    return results;
  }

  async function run(): Promise<void> {
    translations.push(...(await store.listKnowledgeTranslations(knowledgeHash)));
    if (translations.length > 0) rebuild();
    const cached = new Set(translations.map((t) => keyOf(t.entryId, t.language)));
    const missing = missingTranslations(entries, options.languages, defaultLanguage).filter((task) => !cached.has(keyOf(task.entry.id, task.language)));
    if (missing.length > 0) logger.info({ missing: missing.length }, 'translating the knowledge base');
    for (const language of new Set(missing.map((task) => task.language))) {
      const added = await translateAll(missing.filter((task) => task.language === language));
      if (cancel.signal.aborted) return;
      translations.push(...added);
      if (added.length > 0) rebuild();
      if (halted()) break;
    }
    const left = missing.length - (translations.length - cached.size);
    logger.info({ translations: translations.length, left }, left > 0 ? 'knowledge translation paused; the rest on the next start' : 'knowledge translation done');
  }

  return {
    start() {
      running = run().catch((error: unknown) => logger.error({ err: error }, 'knowledge translation stopped; the rest is translated on the next start'));
    },
    async stop() {
      cancel.abort();
      await running;
    },
  };
}
