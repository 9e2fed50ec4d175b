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
import { hashedFeatures, MAX_FEATURE_TEXT, sumOfVectors, type FeatureOptions, type SparseVector } from './hashed-features.js';
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
  /** Learn only its concepts, not its letters or stems (see knowledge.ts: off-topic text in a language no entry is asked in). */
  conceptsOnly?: boolean;
}

export interface MatcherScores {
  /** Probability per entry, in the order the entries were given. */
  entries: Float64Array;
  /** Probability that the message is about none of them. */
  none: number;
}

/** What the matcher reads of a message, once: its spelling view and the concepts it names (the reranker reads them too). */
export interface MessageReading {
  spelling: SparseVector;
  /** Its folded words (of the part that is read). */
  words: string[];
  /** The words' stems in the text's language, one per word (the words themselves where it has no stemmer or is unknown). */
  stems: string[];
  concepts: string[];
  /** Its concepts as features, scaled (see {@link meaningOf}): built once, read by the matcher and the kinds model. */
  meaning: SparseVector;
}

export interface KnowledgeMatcher {
  score(reading: MessageReading): MatcherScores;
}

export const FEATURES: FeatureOptions = { dimensions: 1 << 16, charNgrams: [2, 4], wordBigrams: true };
/** Named features alone: no character n-grams or words of the text. */
const NAMED_ONLY: FeatureOptions = { ...FEATURES, charNgrams: [Number.MAX_SAFE_INTEGER, 0], wordBigrams: false };
/** Five passes: eight scored the same on the dev sets (±1 point) and cost 60% more start-up time. */
const TRAINING = { epochs: 5, learningRate: 0.3, l2: 1e-6, seed: 20261201 };

/**
 * All off-topic examples together weigh as much as this many entries' variants: enough for "none" to win on
 * messages unlike every entry, not so much that it swallows a paraphrase the base did not list.
 */
const OFF_TOPIC_WEIGHT_IN_ENTRIES = 2;

/** The concepts' length next to the spelling's 1; chosen on the dev sets (data/knowledge/dev). */
const MEANING_WEIGHT = 0.7;

/** A question variant's weight (see MatcherExample). */
const QUESTION_WEIGHT = 1;

/**
 * Concepts as features, scaled to length {@link MEANING_WEIGHT} on their own: in one vector with the n-grams, a
 * long message's hundreds of n-grams would drown the few concepts it shares with a variant in another language,
 * and those are what a paraphrase or a translation has in common with it.
 */
function meaningOf(concepts: readonly string[], weight: number): SparseVector {
  // A concept counts twice: it is the one feature a paraphrase shares with a variant that uses other words.
  const meaning = hashedFeatures('', NAMED_ONLY, concepts.flatMap((concept) => [`k:${concept}`, `k:${concept}`]));
  for (let i = 0; i < meaning.values.length; i += 1) meaning.values[i] = (meaning.values[i] ?? 0) * weight;
  return meaning;
}

/** Reads a message or example: its letters, words and stems (unit length) and the lexicon's concepts it names. */
export function readMessage(whole: string, language: string | undefined, lexicon: SynonymLexicon): MessageReading {
  // The same cut as the n-grams' for the stems and concepts: a question is in the first few sentences.
  const text = whole.slice(0, MAX_FEATURE_TEXT);
  const folded = words(normalizeText(text));
  const stem = language === undefined ? undefined : stemmerFor(language);
  const stems = stem ? folded.map((word) => stem(word)) : folded;
  // Stems are named features only where the language has a stemmer: elsewhere they are the words, already counted.
  const spelling = hashedFeatures(text, FEATURES, stem ? stems.map((s) => `s:${s}`) : []);
  const concepts = lexicon.concepts(folded, language);
  return { spelling, words: folded, stems, concepts, meaning: meaningOf(concepts, MEANING_WEIGHT) };
}

/** The matcher's features of a reading: its spelling plus its concepts (see {@link meaningOf}). */
export function featuresOf(reading: MessageReading): SparseVector {
  return sumOfVectors(reading.spelling, reading.meaning);
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

/** The concepts that define an entry: named by at least a third of its question variants' readings; sorted. */
export function definingConcepts(variants: readonly MessageReading[]): string[] {
  const counts = new Map<string, number>();
  for (const reading of variants) for (const concept of reading.concepts) counts.set(concept, (counts.get(concept) ?? 0) + 1);
  return [...counts].filter(([, count]) => count * 3 >= variants.length).map(([concept]) => concept).sort();
}

/** A reader that remembers what it read (for texts read more than once while bases are built, never customers'). */
export function rememberingReader(lexicon: SynonymLexicon): (text: string, language: string | undefined) => MessageReading {
  const readings = new Map<string, MessageReading>();
  return (text, language) => {
    const key = `${language ?? ''}\u0000${text}`;
    let reading = readings.get(key);
    if (reading === undefined) {
      reading = readMessage(text, language, lexicon);
      readings.set(key, reading);
    }
    return reading;
  };
}

/**
 * Readings of off-topic examples, per lexicon: every knowledge base learns "none" from the same 1,680 shipped
 * messages, and reading them was most of a small base's training time.
 */
const offTopicReaders = new WeakMap<SynonymLexicon, (text: string, language: string | undefined) => MessageReading>();

function offTopicReading(text: string, language: string | undefined, lexicon: SynonymLexicon): MessageReading {
  const reader = offTopicReaders.get(lexicon) ?? rememberingReader(lexicon);
  offTopicReaders.set(lexicon, reader);
  return reader(text, language);
}

/** Trains on the examples; class `entryCount` is "none". Deterministic, like every trainer here. */
export function trainKnowledgeMatcher(
  examples: readonly MatcherExample[],
  entryCount: number,
  lexicon: SynonymLexicon,
  read: (text: string, language: string | undefined) => MessageReading = (text, language) => readMessage(text, language, lexicon),
): KnowledgeMatcher {
  const entryWeight = examples.filter((e) => e.entry !== undefined).reduce((sum, e) => sum + e.weight, 0);
  const offTopicWeight = examples.filter((e) => e.entry === undefined).reduce((sum, e) => sum + e.weight, 0);
  const offTopicScale = offTopicWeight === 0 ? 1 : (OFF_TOPIC_WEIGHT_IN_ENTRIES * entryWeight) / entryCount / offTopicWeight;
  const model: LinearModel = train(
    examples.flatMap((example) => {
      const text = example.text.slice(0, MAX_FEATURE_TEXT);
      const reading = example.entry === undefined ? offTopicReading(text, example.language, lexicon) : read(text, example.language);
      const learnt = {
        features: example.conceptsOnly ? meaningOf(reading.concepts, 1) : featuresOf(reading),
        label: example.entry ?? entryCount,
        weight: example.entry === undefined ? example.weight * offTopicScale : example.weight,
      };
      // Each question variant is also learnt from its letters and words alone, so that a message whose concepts
      // the lexicon does not know ("rimborzo", "levertjid") is still recognised by its spelling.
      if (example.entry === undefined || example.weight !== QUESTION_WEIGHT) return [learnt];
      return [learnt, { features: reading.spelling, label: example.entry, weight: QUESTION_WEIGHT }];
    }),
    { ...TRAINING, classes: entryCount + 1, dimensions: FEATURES.dimensions },
  );
  return {
    score(reading) {
      // The two views scored apart and added: the same as scoring their sum, without building it per message.
      const probabilities = predict(model, reading.spelling, reading.meaning);
      return { entries: probabilities.subarray(0, entryCount), none: probabilities[entryCount] ?? 0 };
    },
  };
}
