/**
 * The multilingual knowledge base and its offline matcher (src/understanding/knowledge-matcher.ts), trained
 * on the entries' question variants when the base is built. A message gets an entry, a question back when
 * two entries are about equally likely, or nothing when it is about none of them: the engine then says it did
 * not understand and offers a person, rather than guessing.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SwitchboardError } from '../errors.js';
import { createCandidateFinder, type Candidate } from '../understanding/answer-reranker.js';
import { rankCandidates, rerankVerdict, shippedReranker, type RerankerModel } from '../understanding/reranker-model.js';
import {
  definingConcepts,
  FEATURES,
  readMessage,
  rememberingReader,
  shippedOffTopic,
  trainKnowledgeMatcher,
  type KnowledgeMatcher,
  type MatcherExample,
  type MessageReading,
} from '../understanding/knowledge-matcher.js';
import { shippedIntentModel, type IntentModel } from '../understanding/intent-model.js';
import { shippedSynonymLexicon, type SynonymLexicon } from '../understanding/synonym-lexicon.js';

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
  /** The reranker's probability that the message asks this entry's question; in [0, 1]. */
  score: number;
}

/** What a message asks of the knowledge base. */
export type KnowledgeVerdict =
  | { kind: 'answer'; match: KnowledgeMatch }
  /** Two entries are about equally likely: ask the customer which one they mean. */
  | { kind: 'clarify'; options: readonly [KnowledgeEntry, KnowledgeEntry] }
  /** No entry is likely enough; `nearest` are the best of the rest worth suggesting (at most two, best first). */
  | { kind: 'none'; nearest: readonly KnowledgeMatch[] };

export interface KnowledgeSearchOptions {
  /** The conversation's language: its stemmer and synonyms apply to the message. */
  language?: string;
}

export interface KnowledgeBase {
  readonly entries: readonly KnowledgeEntry[];
  /** Every language that has at least one answer, sorted. */
  readonly languages: readonly string[];
  understand(text: string, options?: KnowledgeSearchOptions): KnowledgeVerdict;
  /** The entry to answer with, or undefined (a question back, or nothing). */
  search(text: string, options?: KnowledgeSearchOptions): KnowledgeMatch | undefined;
  /** The matcher's best entries with the reranker's features, and its probability of none (src/understanding/answer-reranker.ts): for training the reranker. */
  look(text: string, options?: KnowledgeSearchOptions): { candidates: Candidate[]; none: number };
  /** The matcher's best few entries (at most five), by descending reranked probability: for grounding an LLM or debugging. */
  rank(text: string, options?: KnowledgeSearchOptions & { limit?: number }): KnowledgeMatch[];
  /** The answer in `language`, else in the default language; `language` in the result says which it was. */
  answerFor(entry: KnowledgeEntry, language: string, options?: { short?: boolean }): { text: string; language: string };
  /** How an entry is asked in `language` (its first variant there, else in the default language): for "did you mean". */
  questionFor(entry: KnowledgeEntry, language: string): string;
}

export interface KnowledgeBaseOptions {
  /** The fallback answer language; every entry must answer in it. Default `en`. */
  defaultLanguage?: string;
  /** The reranker's weights; default: the shipped data/knowledge/reranker.json. */
  reranker?: RerankerModel;
  /** Examples of messages about none of the entries; default: the shipped data/knowledge/offtopic.tsv. */
  offTopic?: readonly { language: string; text: string }[];
  lexicon?: SynonymLexicon;
  /** What kind of question a text asks; default: the shipped data/knowledge/intents.bin. */
  intents?: IntentModel;
  /** More question variants per entry id (machine translations of the base), learnt like the file's own. */
  extraQuestions?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** A reranked score at or above this is sure enough that a configured model is not asked to do better (see decide.ts). */
export const SURE_PROBABILITY = 0.9;
/**
 * An entry too unsure to answer with is still offered as a suggestion from this reranked probability on. Chosen
 * on the dev bases' declined questions (by a reranker trained on them, so optimistic): at 0.25 the right entry was
 * offered for 56% of them, and 28% of the declined off-topic messages got a suggestion, which can only be beside
 * the point; at 0.1, 71% and 57%; at 0.4, 43% and 15%.
 */
const SUGGEST_AT = 0.25;
const SUGGESTIONS = 2;
/** Answers teach the matcher the entry's vocabulary, but they are not questions: they count this much. */
const ANSWER_WEIGHT = 0.3;
/** Lexicon-made examples (see lexiconExamples) are word lists, not questions: they count this much. */
const LEXICON_WEIGHT = 0.5;
const LEXICON_TERMS_PER_CONCEPT = 3;
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

/**
 * The concepts that define an entry (named by at least a third of its variants), said in each language the
 * entry has no questions in: "open hours closing" for Swedish customers of an English-only entry, in
 * Swedish words. Without these the only Swedish the matcher ever saw would be the off-topic examples.
 */
function lexiconExamples(
  entry: number,
  questions: readonly (readonly [string, readonly string[]])[],
  lexicon: SynonymLexicon,
  read: (text: string, language: string) => MessageReading,
): MatcherExample[] {
  const defining = definingConcepts(questions.flatMap(([language, texts]) => texts.map((text) => read(text, language))));
  if (defining.length === 0) return [];
  const asked = new Set(questions.map(([language]) => language));
  return lexicon.languages
    .filter((language) => !asked.has(language))
    .map((language) => ({
      entry,
      language,
      text: defining.flatMap((concept) => lexicon.terms(concept, language).slice(0, LEXICON_TERMS_PER_CONCEPT)).join(' '),
      weight: LEXICON_WEIGHT,
    }));
}

/** An entry's question variants with the extra ones (translations) added, language by language. */
function withExtraQuestions(
  questions: Readonly<Record<string, readonly string[]>>,
  extra: Readonly<Record<string, readonly string[]>> | undefined,
): Record<string, readonly string[]> {
  const merged: Record<string, readonly string[]> = { ...questions };
  for (const [language, texts] of Object.entries(extra ?? {})) merged[language] = [...(merged[language] ?? []), ...texts];
  return merged;
}

/** Words a sentence of an answer needs to be learnt on its own: shorter ones ("Yes.") name no fact. */
const MIN_FACT_WORDS = 3;

/**
 * The sentences of an answer of several, each learnt on its own as well: a customer asks about one fact of it
 * ("roses on Valentine's day?"), and in the whole answer's unit-length vector each fact's words weigh little.
 * Dev CV (26 bases) at equal thresholds: 0.1–0.3 points fewer wrong answers, 0.2–1 more off-topic declined.
 */
export function factsOf(answer: string): string[] {
  const sentences = answer.split(/(?<=[.!?。！？])\s+/u).filter((sentence) => sentence.split(/\s+/).length >= MIN_FACT_WORDS);
  return sentences.length > 1 ? sentences : [];
}

function examplesOf(
  entries: readonly KnowledgeEntry[],
  options: KnowledgeBaseOptions,
  lexicon: SynonymLexicon,
  read: (text: string, language: string) => MessageReading,
): MatcherExample[] {
  const examples: MatcherExample[] = [];
  entries.forEach((entry, index) => {
    const questions = Object.entries(withExtraQuestions(entry.questions, options.extraQuestions?.[entry.id]));
    for (const [language, variants] of questions) for (const text of variants) examples.push({ entry: index, language, text, weight: 1 });
    for (const [language, text] of Object.entries(entry.answers)) {
      examples.push({ entry: index, language, text, weight: ANSWER_WEIGHT });
      for (const sentence of factsOf(text)) examples.push({ entry: index, language, text: sentence, weight: ANSWER_WEIGHT / 2 });
    }
    examples.push(...lexiconExamples(index, questions, lexicon, read));
  });
  // Off-topic text in a language no entry is asked in would teach "none" that language's letters, and every
  // customer writing in it would be declined: there it teaches only its concepts.
  const asked = new Set(examples.filter((e) => e.entry !== undefined && e.weight === 1).map((e) => e.language));
  for (const { language, text } of options.offTopic ?? shippedOffTopic()) {
    examples.push({ entry: undefined, language, text, weight: 1, ...(!asked.has(language) && { conceptsOnly: true }) });
  }
  return examples;
}

/** Builds a knowledge base and trains its matcher; throws {@link KnowledgeBaseError} on duplicate ids or a missing default answer. */
export function createKnowledgeBase(entries: readonly KnowledgeEntry[], options: KnowledgeBaseOptions = {}): KnowledgeBase {
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
  const lexicon = options.lexicon ?? shippedSynonymLexicon();
  // The entries' texts are read once while the base is built, for the matcher and again for the reranker's
  // profiles; customers' messages are not remembered.
  const readOnce = rememberingReader(lexicon);
  const matcher: KnowledgeMatcher = trainKnowledgeMatcher(examplesOf(entries, options, lexicon, readOnce), entries.length, lexicon, readOnce);
  const finder = createCandidateFinder(
    entries.map((entry) => ({ questions: withExtraQuestions(entry.questions, options.extraQuestions?.[entry.id]), answers: entry.answers })),
    readOnce,
    FEATURES.dimensions,
    options.intents ?? shippedIntentModel(),
  );
  const read = (text: string, language: string | undefined) => readMessage(text, language, lexicon);
  const languageOf = (searchOptions: KnowledgeSearchOptions): string | undefined =>
    searchOptions.language === undefined ? undefined : primaryLanguage(searchOptions.language);

  // Read when first needed, not here: the reranker's own training builds bases before it has weights.
  const reranker = (): RerankerModel => options.reranker ?? shippedReranker();

  const look = (text: string, searchOptions: KnowledgeSearchOptions = {}): { candidates: Candidate[]; none: number } => {
    const language = languageOf(searchOptions);
    const reading = read(text, language);
    const view = matcher.score(reading);
    return { candidates: finder.candidates(language, reading, view), none: view.none };
  };

  const understand = (text: string, searchOptions?: KnowledgeSearchOptions): KnowledgeVerdict => {
    const found = look(text, searchOptions).candidates;
    const verdict = rerankVerdict(reranker(), found);
    const entryAt = (at: number): KnowledgeEntry => entries[found[at]?.index ?? 0] as KnowledgeEntry;
    if (verdict.kind === 'clarify') return { kind: 'clarify', options: [entryAt(verdict.best.at), entryAt(verdict.runnerUp.at)] };
    if (verdict.kind === 'answer') return { kind: 'answer', match: { entry: entryAt(verdict.best.at), score: verdict.best.score } };
    const nearest = verdict.ranked
      .filter(({ score }) => score >= SUGGEST_AT)
      .slice(0, SUGGESTIONS)
      .map(({ at, score }) => ({ entry: entryAt(at), score }));
    return { kind: 'none', nearest };
  };

  const answerLanguage = (record: Record<string, unknown>, language: string): string => {
    const wanted = primaryLanguage(language);
    return record[wanted] === undefined ? defaultLanguage : wanted;
  };

  return {
    entries,
    languages,
    understand,
    look,
    search(text, searchOptions) {
      const verdict = understand(text, searchOptions);
      return verdict.kind === 'answer' ? verdict.match : undefined;
    },
    rank(text, rankOptions = {}) {
      const found = look(text, rankOptions).candidates;
      const ranked = rankCandidates(reranker(), found).map(({ at, score }) => ({ entry: entries[found[at]?.index ?? 0] as KnowledgeEntry, score }));
      return rankOptions.limit === undefined ? ranked : ranked.slice(0, rankOptions.limit);
    },
    answerFor(entry, language, answerOptions = {}) {
      const chosen = answerLanguage(entry.answers, language);
      const short = answerOptions.short === true ? entry.short[chosen] : undefined;
      // The default-language answer is checked at construction, so this is only for entries built elsewhere.
      const text = short ?? entry.answers[chosen] ?? Object.values(entry.answers)[0] ?? '';
      return { text, language: chosen };
    },
    questionFor(entry, language) {
      const variants = entry.questions[primaryLanguage(language)] ?? entry.questions[defaultLanguage] ?? Object.values(entry.questions)[0] ?? [];
      return variants[0] ?? entry.id;
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
  const entries = loadKnowledgeEntries(path);
  try {
    return createKnowledgeBase(entries, options);
  } catch (error) {
    if (error instanceof KnowledgeBaseError) throw new KnowledgeBaseError(`${path}: ${error.message}`);
    throw error;
  }
}

/** The validated entries of a knowledge base file, without building its matcher. */
export function loadKnowledgeEntries(path: string): KnowledgeEntry[] {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new KnowledgeBaseError(`${path}: cannot read knowledge base: ${reason}`, { cause });
  }
  const file = fileSchema.safeParse(document);
  if (!file.success) throw new KnowledgeBaseError(`${path}: ${describeIssues(file.error)}`);
  return file.data.entries.map((raw, i): KnowledgeEntry => {
    const entry = entrySchema.safeParse(raw);
    if (entry.success) return entry.data;
    const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : '?';
    throw new KnowledgeBaseError(`${path}: entry "${id}" (#${i + 1}): ${describeIssues(entry.error)}`);
  });
}
