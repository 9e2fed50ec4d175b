/**
 * The knowledge matcher: a classifier trained at load time on one knowledge base, the way intent classifiers
 * in bot frameworks learn from their examples. Its classes are the base's entries plus "none of these",
 * learnt from a shipped set of generic off-topic messages in every served language
 * (data/knowledge/offtopic.tsv). Features survive paraphrase: character n-grams (typos, inflection, missing
 * diacritics), words, stems in the text's language, and support-domain synonym concepts
 * (data/knowledge/synonyms.tsv), so "how much is delivery" meets "shipping cost".
 */
import { normalizeText, words } from '../engine/text-normalize.js';
import { projectPath } from '../paths.js';
import { hashedFeatures, MAX_FEATURE_TEXT, type FeatureOptions, type SparseVector } from './hashed-features.js';
import { readTsv } from './labelled-rows.js';
import { predict, train, type LinearModel } from './softmax-regression.js';
import { stemmerFor } from './stemmers.js';
import type { SynonymLexicon } from './synonym-lexicon.js';

export const OFF_TOPIC_PATH = projectPath('data', 'knowledge', 'offtopic.tsv');

/** A text the matcher learns from: a question variant (or answer) of entry `entry`, or off-topic (`entry` undefined). */
export interface MatcherExample {
  entry: number | undefined;
  language: string | undefined;
  text: string;
  /** How much it counts; question variants 1. */
  weight: number;
}

export interface MatcherScores {
  /** Probability per entry, in the order the entries were given. */
  entries: Float64Array;
  /** Probability that the message is about none of them. */
  none: number;
}

export interface KnowledgeMatcher {
  score(text: string, language: string | undefined): MatcherScores;
}

const FEATURES: FeatureOptions = { dimensions: 1 << 16, charNgrams: [2, 4], wordBigrams: true };
const TRAINING = { epochs: 8, learningRate: 0.3, l2: 1e-6, seed: 20261201 };

/**
 * All off-topic examples together weigh as much as this many entries' variants: enough for "none" to win on
 * messages unlike every entry, not so much that it swallows a paraphrase the base did not list.
 */
const OFF_TOPIC_WEIGHT_IN_ENTRIES = 3;

/** Stems and synonym concepts of a text, as extra named features. */
function derivedFeatures(text: string, language: string | undefined, lexicon: SynonymLexicon): string[] {
  const folded = words(normalizeText(text));
  const stem = language === undefined ? undefined : stemmerFor(language);
  const extra = stem ? folded.map((word) => `s:${stem(word)}`) : [];
  // A concept counts twice: it is the one feature a paraphrase shares with a variant that uses other words.
  for (const concept of lexicon.concepts(folded, language)) extra.push(`k:${concept}`, `k:${concept}`);
  return extra;
}

export function matcherFeatures(whole: string, language: string | undefined, lexicon: SynonymLexicon): SparseVector {
  // The same cut as the n-grams' for the stems and concepts: a question is in the first few sentences.
  const text = whole.slice(0, MAX_FEATURE_TEXT);
  return hashedFeatures(text, FEATURES, derivedFeatures(text, language, lexicon));
}

/** Off-topic examples (columns `lang`, `text`). */
export function readOffTopic(path = OFF_TOPIC_PATH): { language: string; text: string }[] {
  return readTsv(path).map((row) => ({ language: row.lang ?? '', text: row.text ?? '' }));
}

let shippedExamples: readonly { language: string; text: string }[] | undefined;

/** The shipped off-topic examples, read once and shared, like the lexicon (see shippedSynonymLexicon). */
export function shippedOffTopic(): readonly { language: string; text: string }[] {
  shippedExamples ??= readOffTopic();
  return shippedExamples;
}

/** Trains on the examples; class `entryCount` is "none". Deterministic, like every trainer here. */
export function trainKnowledgeMatcher(examples: readonly MatcherExample[], entryCount: number, lexicon: SynonymLexicon): KnowledgeMatcher {
  const entryWeight = examples.filter((e) => e.entry !== undefined).reduce((sum, e) => sum + e.weight, 0);
  const offTopicWeight = examples.filter((e) => e.entry === undefined).reduce((sum, e) => sum + e.weight, 0);
  const offTopicScale = offTopicWeight === 0 ? 1 : (OFF_TOPIC_WEIGHT_IN_ENTRIES * entryWeight) / entryCount / offTopicWeight;
  const model: LinearModel = train(
    examples.map((example) => ({
      features: matcherFeatures(example.text, example.language, lexicon),
      label: example.entry ?? entryCount,
      weight: example.entry === undefined ? example.weight * offTopicScale : example.weight,
    })),
    { ...TRAINING, classes: entryCount + 1, dimensions: FEATURES.dimensions },
  );
  return {
    score(text, language) {
      const probabilities = predict(model, matcherFeatures(text, language, lexicon));
      return { entries: probabilities.subarray(0, entryCount), none: probabilities[entryCount] ?? 0 };
    },
  };
}
