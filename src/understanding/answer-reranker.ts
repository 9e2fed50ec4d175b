/**
 * The second look at the knowledge matcher's best few entries. The matcher is trained on one base's handful of
 * variants, so its probabilities say how an entry compares with the others, not whether the message asks it:
 * a paraphrase the base never listed gets a low probability, an off-topic message that shares a word gets a
 * high one. The reranker scores each candidate with what any base has in common — how close the message is to
 * the entry's nearest variant, which of its concepts the entry names (in its questions or its answer), which
 * it names that point to another entry, whether the base was written in the customer's language — weighed by
 * a logistic model learnt across many knowledge bases and their customers' questions
 * (data/knowledge/dev, `npm run train:reranker`), so it carries to a base it never saw.
 */
import type { SparseVector } from './hashed-features.js';
import { averageIntent, OTHER_INTENT, type IntentModel } from './intent-model.js';
import { definingConcepts, type MessageReading } from './knowledge-matcher.js';

/** The parts of a knowledge entry the reranker reads. */
export interface RerankedEntry {
  questions: Readonly<Record<string, readonly string[]>>;
  answers: Readonly<Record<string, string>>;
}

/** The matcher's view the reranker starts from: probabilities per entry and of "none of these". */
export interface MatcherView {
  entries: Float64Array;
  none: number;
}

/** How many of the matcher's best entries get a second look: the right one is among the first five for ~98% of the dev questions that have one. */
export const CANDIDATES = 5;

/** The features, in the order the weights file lists them. */
export const RERANK_FEATURES = [
  'probability',
  'logProbability',
  'logRatioToBest',
  'lead',
  'none',
  'isBest',
  'spelling',
  'spellingMargin',
  'sharedConcepts',
  'answerConcepts',
  'missingConcepts',
  'unknownConcepts',
  'conceptCoverage',
  'definingCoverage',
  'conceptMargin',
  'answerWords',
  'languageAsked',
  'entryAsked',
  'length',
  'spellingIfAsked',
  'probabilityIfAsked',
  'ownWords',
  'ownWordsMargin',
  'sharedIfAsked',
  'matcherRank',
  'intentAgreement',
  'entryIntentOther',
] as const;

export interface Candidate {
  /** The entry's index in the base. */
  index: number;
  features: Float64Array;
}

interface EntryProfile {
  /** Spelling vectors (unit length) of its question variants. */
  variants: SparseVector[];
  questionConcepts: Set<string>;
  answerConcepts: Set<string>;
  /** Concepts named by at least a third of its variants. */
  defining: string[];
  /** `language:stem` of its answers' words. */
  answerStems: Set<string>;
  /** `language:stem` of its question variants' and answers' words. */
  ownStems: Set<string>;
  languages: Set<string>;
  /** The kind of question its variants ask, on average (see intent-model.ts). */
  intent: Float64Array;
}

/** Words shorter than this say little about an entry ("the", "is", "do"). */
const MIN_CONTENT_WORD = 4;

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** `language:stem` of a reading's content words (read in `language`). */
function stemKeys(reading: MessageReading, language: string): string[] {
  const keys: string[] = [];
  reading.words.forEach((word, i) => {
    if (word.length >= MIN_CONTENT_WORD && !UNSPACED.test(word)) keys.push(`${language}:${reading.stems[i] ?? word}`);
  });
  return keys;
}

/** The indices of the `count` largest values, largest first (a partial selection: bases have hundreds of entries). */
function largest(values: Float64Array, count: number): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] ?? 0;
    if (chosen.length === count && value <= (values[chosen[count - 1] ?? 0] ?? 0)) continue;
    let at = chosen.length;
    while (at > 0 && value > (values[chosen[at - 1] ?? 0] ?? 0)) at -= 1;
    chosen.splice(at, 0, i);
    if (chosen.length > count) chosen.pop();
  }
  return chosen;
}

/** Sparse dot product of `vector` with the dense `query` (both unit length: a cosine). */
function dot(vector: SparseVector, query: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < vector.indices.length; i += 1) sum += (vector.values[i] ?? 0) * (query[vector.indices[i] ?? 0] ?? 0);
  return sum;
}

export interface CandidateFinder {
  /** The matcher's best entries for a message, with their features, best first. */
  candidates(language: string | undefined, reading: MessageReading, view: MatcherView): Candidate[];
}

/**
 * Prepares a base's entries for the second look. `read` is the matcher's reading of a text (its spelling
 * view — n-grams, words and stems — and its concepts), so "close to a variant" means the same as in the matcher.
 */
export function createCandidateFinder(
  entries: readonly RerankedEntry[],
  read: (text: string, language: string | undefined) => MessageReading,
  dimensions: number,
  intents: IntentModel,
): CandidateFinder {
  const other = intents.classes.indexOf(OTHER_INTENT);
  const profiles: EntryProfile[] = entries.map((entry) => {
    const readings: MessageReading[] = [];
    const ownStems = new Set<string>();
    for (const [language, texts] of Object.entries(entry.questions)) {
      for (const text of texts) {
        const reading = read(text, language);
        readings.push(reading);
        for (const key of stemKeys(reading, language)) ownStems.add(key);
      }
    }
    const variants = readings.map((reading) => reading.spelling);
    const questionConcepts = new Set(readings.flatMap((reading) => reading.concepts));
    const answerConcepts = new Set<string>();
    const answerStems = new Set<string>();
    for (const [language, text] of Object.entries(entry.answers)) {
      const reading = read(text, language);
      for (const concept of reading.concepts) answerConcepts.add(concept);
      for (const key of stemKeys(reading, language)) {
        answerStems.add(key);
        ownStems.add(key);
      }
    }
    const defining = definingConcepts(readings);
    const intent = averageIntent(intents, readings);
    return { variants, questionConcepts, answerConcepts, defining, answerStems, ownStems, languages: new Set(Object.keys(entry.questions)), intent };
  });
  // A concept or word many entries share tells them apart less than one only this entry names.
  const inverseFrequency = (keyed: (profile: EntryProfile) => Set<string>): Map<string, number> => {
    const documents = new Map<string, number>();
    for (const profile of profiles) for (const key of keyed(profile)) documents.set(key, (documents.get(key) ?? 0) + 1);
    return new Map([...documents].map(([key, count]) => [key, Math.log((profiles.length + 1) / (count + 0.5))]));
  };
  const conceptWeight = inverseFrequency((profile) => new Set([...profile.questionConcepts, ...profile.answerConcepts]));
  const stemWeight = inverseFrequency((profile) => profile.answerStems);
  const ownStemWeight = inverseFrequency((profile) => profile.ownStems);
  const askedLanguages = new Set(profiles.flatMap((profile) => [...profile.languages]));
  const query = new Float32Array(dimensions);

  return {
    candidates(language, reading, view) {
      const order = largest(view.entries, CANDIDATES);
      const best = view.entries[order[0] ?? 0] ?? 0;
      const message = reading.spelling;
      message.indices.forEach((bucket, i) => (query[bucket] = message.values[i] ?? 0));
      const { concepts } = reading;
      const stems = language === undefined ? [] : [...new Set(stemKeys(reading, language))];
      const languageAsked = language !== undefined && askedLanguages.has(language) ? 1 : 0;
      const asks = intents.probabilities(reading);
      const rows = order.map((index, rank) => {
        const profile = profiles[index] as EntryProfile;
        const probability = view.entries[index] ?? 0;
        const spellingScore = profile.variants.reduce((max, variant) => Math.max(max, dot(variant, query)), 0);
        let shared = 0;
        let inAnswer = 0;
        let missing = 0;
        let unknown = 0;
        let covered = 0;
        for (const concept of concepts) {
          const weight = conceptWeight.get(concept);
          if (weight === undefined) unknown += 1;
          else if (profile.questionConcepts.has(concept)) {
            shared += weight;
            covered += 1;
          } else if (profile.answerConcepts.has(concept)) {
            inAnswer += weight;
            covered += 1;
          } else missing += weight;
        }
        const definingCoverage = profile.defining.length === 0 ? 0 : profile.defining.filter((concept) => concepts.includes(concept)).length / profile.defining.length;
        const answerWords = stems.reduce((sum, key) => sum + (profile.answerStems.has(key) ? (stemWeight.get(key) ?? 0) : 0), 0);
        const ownWords = stems.reduce((sum, key) => sum + (profile.ownStems.has(key) ? (ownStemWeight.get(key) ?? 0) : 0), 0);
        const entryAsked = language !== undefined && profile.languages.has(language) ? 1 : 0;
        // How likely the message and the entry ask the same common kind of question (not "other": that says nothing).
        let intentAgreement = 0;
        asks.forEach((p, c) => (intentAgreement += c === other ? 0 : p * (profile.intent[c] ?? 0)));
        return {
          index,
          values: [
            probability,
            Math.log(probability + 1e-4),
            Math.log((probability + 1e-4) / (best + 1e-4)),
            0,
            view.none,
            index === order[0] ? 1 : 0,
            spellingScore,
            0,
            shared,
            inAnswer,
            missing,
            unknown,
            concepts.length === 0 ? 0 : covered / concepts.length,
            definingCoverage,
            0,
            answerWords,
            languageAsked,
            entryAsked,
            Math.log(1 + reading.words.length),
            spellingScore * languageAsked,
            probability * languageAsked,
            ownWords,
            0,
            shared * languageAsked,
            rank,
            intentAgreement,
            profile.intent[other] ?? 0,
          ],
        };
      });
      message.indices.forEach((bucket) => (query[bucket] = 0));
      // Margins: how far this candidate is ahead of (or behind) the best of the others.
      const spellingAt = RERANK_FEATURES.indexOf('spelling');
      const sharedAt = RERANK_FEATURES.indexOf('sharedConcepts');
      const marginOver = (row: (typeof rows)[number], at: number): number =>
        (row.values[at] ?? 0) - rows.reduce((max, other) => (other === row ? max : Math.max(max, other.values[at] ?? 0)), 0);
      return rows.map((row) => {
        const features = Float64Array.from(row.values);
        features[RERANK_FEATURES.indexOf('spellingMargin')] = marginOver(row, spellingAt);
        features[RERANK_FEATURES.indexOf('conceptMargin')] = marginOver(row, sharedAt);
        features[RERANK_FEATURES.indexOf('ownWordsMargin')] = marginOver(row, RERANK_FEATURES.indexOf('ownWords'));
        // The matcher's lead over the best other candidate, in log odds: a clear winner is surer than a close one.
        const otherBest = rows.reduce((max, other) => (other === row ? max : Math.max(max, view.entries[other.index] ?? 0)), 0);
        features[RERANK_FEATURES.indexOf('lead')] = Math.log(((view.entries[row.index] ?? 0) + 1e-4) / (otherBest + 1e-4));
        return { index: row.index, features };
      });
    },
  };
}
