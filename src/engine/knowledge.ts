/**
 * The multilingual knowledge base and its offline retrieval: question variants in every language are
 * matched by character n-gram TF-IDF, so the bot can answer routine questions without a model. When the
 * match is weak or ambiguous it returns nothing, and the engine asks or escalates instead of guessing.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SwitchboardError } from '../errors.js';
import { createTfIdfIndex } from './knowledge-index.js';

/** One answerable topic, with question variants and answers per language (ISO 639-1 codes). */
export interface KnowledgeEntry {
  id: string;
  /** Say the answer, then hand the conversation to a person. */
  handoff: boolean;
  questions: Record<string, string[]>;
  answers: Record<string, string>;
  /** SMS-sized answers (at most {@link SHORT_ANSWER_MAX} characters), where they differ from `answers`. */
  short: Record<string, string>;
}

export interface KnowledgeMatch {
  entry: KnowledgeEntry;
  /** Cosine similarity of the best variant, with the language bonus applied; in [0, 1]. */
  score: number;
  /** Language of the question variant that matched best: evidence for language detection. */
  language: string;
}

export interface KnowledgeSearchOptions {
  /** The conversation's language; its variants get a small bonus. */
  language?: string;
}

export interface KnowledgeBase {
  readonly entries: readonly KnowledgeEntry[];
  /** Every language that has at least one answer, sorted. */
  readonly languages: readonly string[];
  /** The best entry, or undefined when nothing clears the threshold or two entries are too close to call. */
  search(text: string, options?: KnowledgeSearchOptions): KnowledgeMatch | undefined;
  /** Entries by descending score, one match per entry, without threshold: for grounding an LLM or debugging. */
  rank(text: string, options?: KnowledgeSearchOptions & { limit?: number }): KnowledgeMatch[];
  /** The answer in `language`, else in the default language; `language` in the result says which it was. */
  answerFor(entry: KnowledgeEntry, language: string, options?: { short?: boolean }): { text: string; language: string };
}

export interface KnowledgeBaseOptions {
  /** Minimum score for `search` to answer. Default {@link DEFAULT_MATCH_THRESHOLD}. */
  threshold?: number;
  /** Best minus second-best entry score below which `search` declines. Default {@link DEFAULT_AMBIGUITY_MARGIN}. */
  ambiguityMargin?: number;
  /** The fallback answer language; every entry must answer in it. Default `en`. */
  defaultLanguage?: string;
}

/**
 * Minimum score to answer. Tuned on ~90 labelled queries against knowledge/demo.yaml (realistic phrasings
 * in en/es/de/fr/lv, typos, missing diacritics) and ~25 off-topic or gibberish ones: correct matches scored
 * ≥ 0.40, off-topic text ≤ 0.27, so the threshold sits between them.
 */
export const DEFAULT_MATCH_THRESHOLD = 0.35;
/** Two entries closer than this are a coin toss; the engine should ask rather than pick one. */
export const DEFAULT_AMBIGUITY_MARGIN = 0.05;
/** Relative bonus for variants in the conversation's language: breaks ties, never rescues a weak match. */
export const LANGUAGE_BONUS = 0.1;
/** One GSM-7 SMS segment. */
export const SHORT_ANSWER_MAX = 160;

/** The knowledge base file or entries are invalid; the message names the file, the entry and the problem. */
export class KnowledgeBaseError extends SwitchboardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('knowledge_invalid', message, options);
  }
}

/** "pt-BR" → "pt": the knowledge base is keyed by primary language only. */
function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/** Builds a knowledge base; throws {@link KnowledgeBaseError} on duplicate ids or a missing default answer. */
export function createKnowledgeBase(
  entries: readonly KnowledgeEntry[],
  options: KnowledgeBaseOptions = {},
): KnowledgeBase {
  const threshold = options.threshold ?? DEFAULT_MATCH_THRESHOLD;
  const margin = options.ambiguityMargin ?? DEFAULT_AMBIGUITY_MARGIN;
  const defaultLanguage = primaryLanguage(options.defaultLanguage ?? 'en');
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new KnowledgeBaseError(`entry "${entry.id}": duplicate id`);
    seen.add(entry.id);
    if (entry.answers[defaultLanguage] === undefined) {
      throw new KnowledgeBaseError(`entry "${entry.id}": no answer in the default language "${defaultLanguage}"`);
    }
  }
  const languages = [...new Set(entries.flatMap((entry) => Object.keys(entry.answers)))].sort();
  const index = createTfIdfIndex(
    entries.flatMap((entry) =>
      Object.entries(entry.questions).flatMap(([language, variants]) =>
        variants.map((text) => ({ item: { entry, language }, group: entry.id, text })),
      ),
    ),
  );

  // The engine searches each message twice: without a language for language evidence, then in the language
  // that evidence chose. Scoring (spelling correction above all) is the costly part and does not depend on the
  // language, so the last query's scores are kept: one entry, replaced by the next query.
  let last: { text: string; scored: ReturnType<typeof index.score> } | undefined;
  const scoreOf = (text: string) => {
    if (last?.text !== text) last = { text, scored: index.score(text) };
    return last.scored;
  };

  const rank = (text: string, searchOptions: KnowledgeSearchOptions = {}): KnowledgeMatch[] => {
    const preferred = searchOptions.language === undefined ? undefined : primaryLanguage(searchOptions.language);
    const best = new Map<KnowledgeEntry, KnowledgeMatch>();
    for (const { item, score: raw } of scoreOf(text)) {
      const score = item.language === preferred ? Math.min(1, raw * (1 + LANGUAGE_BONUS)) : raw;
      const current = best.get(item.entry);
      if (current === undefined || score > current.score) best.set(item.entry, { ...item, score });
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  };

  return {
    entries,
    languages,
    rank(text, rankOptions = {}) {
      const ranked = rank(text, rankOptions);
      return rankOptions.limit === undefined ? ranked : ranked.slice(0, rankOptions.limit);
    },
    search(text, searchOptions) {
      const [first, second] = rank(text, searchOptions);
      if (first === undefined || first.score < threshold) return undefined;
      if (second !== undefined && first.score - second.score < margin) return undefined;
      return first;
    },
    answerFor(entry, language, answerOptions = {}) {
      const wanted = primaryLanguage(language);
      const chosen = entry.answers[wanted] === undefined ? defaultLanguage : wanted;
      const short = answerOptions.short === true ? entry.short[chosen] : undefined;
      // The default-language answer is checked at construction, so this is only for entries built elsewhere.
      const text = short ?? entry.answers[chosen] ?? Object.values(entry.answers)[0] ?? '';
      return { text, language: chosen };
    },
  };
}

const languageCode = z.string().regex(/^[a-z]{2,3}$/, 'language keys are ISO 639-1 codes such as "en"');
const nonEmpty = z.string().trim().min(1, 'must not be empty');
const byLanguage = <T extends z.ZodType>(value: T, what: string) =>
  z.record(languageCode, value).refine((record) => Object.keys(record).length > 0, `needs ${what} in at least one language`);

const entrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lowercase kebab-case, e.g. "shipping-time"'),
    handoff: z.boolean().default(false),
    questions: byLanguage(z.array(nonEmpty).min(1, 'needs at least one question variant'), 'questions'),
    answers: byLanguage(nonEmpty, 'an answer'),
    short: z.record(languageCode, nonEmpty.max(SHORT_ANSWER_MAX, `must fit one SMS (${SHORT_ANSWER_MAX} characters)`)).default({}),
  })
  .strict()
  .superRefine((entry, context) => {
    for (const language of Object.keys(entry.short)) {
      if (entry.answers[language] === undefined) {
        context.addIssue({ code: 'custom', path: ['short', language], message: `has no full answer in "${language}"` });
      }
    }
  });

const fileSchema = z.object({ entries: z.array(z.unknown()).min(1, 'needs at least one entry') });

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/**
 * Reads and validates a knowledge base YAML file (see knowledge/demo.yaml for the shape). Throws
 * {@link KnowledgeBaseError} naming the file, the entry and the problem.
 */
export function loadKnowledgeBase(path: string, options: KnowledgeBaseOptions = {}): KnowledgeBase {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new KnowledgeBaseError(`${path}: cannot read knowledge base: ${reason}`, { cause });
  }
  const file = fileSchema.safeParse(document);
  if (!file.success) throw new KnowledgeBaseError(`${path}: ${describeIssues(file.error)}`);
  const entries = file.data.entries.map((raw, i): KnowledgeEntry => {
    const entry = entrySchema.safeParse(raw);
    if (entry.success) return entry.data;
    const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : '?';
    throw new KnowledgeBaseError(`${path}: entry "${id}" (#${i + 1}): ${describeIssues(entry.error)}`);
  });
  try {
    return createKnowledgeBase(entries, options);
  } catch (error) {
    if (error instanceof KnowledgeBaseError) throw new KnowledgeBaseError(`${path}: ${error.message}`);
    throw error;
  }
}
