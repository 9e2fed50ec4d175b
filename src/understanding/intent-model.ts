/**
 * What kind of question a text asks, among the few kinds nearly every business's FAQ has — its hours, holidays,
 * payment, location, booking, rescheduling, cancelling, delivery, refunds, gift cards, pets, wifi, a complaint,
 * reaching a person — or `other`. Learnt once across many labelled knowledge bases (the entries of
 * data/knowledge/intents.tsv, their variants and their customers' questions in two dozen languages), so a
 * base that lists "What are your opening hours?" in English alone still knows "r u open late any day?" and
 * "kokios jūsų darbo valandos?" ask it: its own handful of variants cannot teach that. The reranker reads how
 * well a message's kind agrees with an entry's (answer-reranker.ts); the kind never picks an entry by itself,
 * since a base may have several of one kind.
 */
import { readFileSync } from 'node:fs';
import { projectPath } from '../paths.js';
import { decodeModelFile, type ClassifierFile } from './model-file.js';
import { FEATURES, featuresOf, type MessageReading } from './knowledge-matcher.js';
import { readTsv } from './labelled-rows.js';
import { predict, train } from './softmax-regression.js';

export const INTENT_MODEL_PATH = projectPath('data', 'knowledge', 'intents.bin');
export const INTENT_LABELS_PATH = projectPath('data', 'knowledge', 'intents.tsv');

/** The kind of a text that is none of the common ones. */
export const OTHER_INTENT = 'other';

/** Same schedule as the knowledge matcher's: few passes over a few thousand short texts. */
const TRAINING = { epochs: 5, learningRate: 0.3, l2: 1e-6, seed: 20261202 };

export interface IntentModel {
  /** Probability per kind, in the order of `classes`. */
  probabilities(reading: MessageReading): Float64Array;
  readonly classes: readonly string[];
}

/** The kinds an entry's question variants ask, on average: the entry's own kind. */
export function averageIntent(model: IntentModel, readings: readonly MessageReading[]): Float64Array {
  const average = new Float64Array(model.classes.length);
  for (const reading of readings) model.probabilities(reading).forEach((p, c) => (average[c] = (average[c] ?? 0) + p / readings.length));
  return average;
}

/** A text with its kind, to learn from. */
export interface IntentExample {
  reading: MessageReading;
  intent: string;
}

/** The kinds of the labelled entries, keyed `set/base/entry` (data/knowledge/intents.tsv); every other entry is `other`. */
export function readIntentLabels(path = INTENT_LABELS_PATH): Map<string, string> {
  return new Map(readTsv(path).map((row) => [`${row.set ?? ''}/${row.base ?? ''}/${row.entry ?? ''}`, row.intent ?? OTHER_INTENT]));
}

/** The model a trained or decoded file holds. */
export function intentModelFrom(file: ClassifierFile): IntentModel {
  // The two views scored apart and added, as the matcher does: the same as scoring their sum, without building it.
  return { classes: file.classes, probabilities: (reading) => predict(file.model, reading.spelling, reading.meaning) };
}

/** Learns the kinds from labelled readings. Deterministic, like every trainer here. */
export function trainIntentModel(examples: readonly IntentExample[], info: Record<string, unknown> = {}): ClassifierFile {
  const classes = [...new Set([OTHER_INTENT, ...examples.map((example) => example.intent)])].sort();
  const model = train(
    examples.map(({ reading, intent }) => ({ features: featuresOf(reading), label: classes.indexOf(intent) })),
    { ...TRAINING, classes: classes.length, dimensions: FEATURES.dimensions },
  );
  return { classes, features: FEATURES, model, info };
}

/**
 * Reads a model file, which must read texts as the matcher does (the same hashed features, or its weights mean
 * nothing): else it fails at start, naming the file and the fix.
 */
export function loadIntentModel(path = INTENT_MODEL_PATH): IntentModel {
  const fix = 'run `npm run train:reranker` to rebuild it';
  let file: ClassifierFile;
  try {
    file = decodeModelFile(readFileSync(path));
  } catch (cause) {
    throw new Error(`${path}: ${cause instanceof Error ? cause.message : String(cause)}; ${fix}`, { cause });
  }
  const { dimensions, charNgrams, wordBigrams } = file.features;
  if (dimensions !== FEATURES.dimensions || charNgrams.join() !== FEATURES.charNgrams.join() || wordBigrams !== FEATURES.wordBigrams) {
    throw new Error(`${path}: learnt on other features than the knowledge matcher reads; ${fix}`);
  }
  return intentModelFrom(file);
}

let shipped: IntentModel | undefined;

/** The shipped model (data/knowledge/intents.bin, written by `npm run train:reranker`), read once. */
export function shippedIntentModel(): IntentModel {
  shipped ??= loadIntentModel();
  return shipped;
}
