/**
 * Does this customer message call for a person? A trained classifier (data/escalation/model.bin, built by
 * `npm run train:escalation` from data/escalation/train) over every served language, with one curated rule
 * beside it: a message that is only an explicit request word ("agent", "Mitarbeiter", "0", listed in
 * data/escalation/explicit-requests.tsv) always escalates, whatever the model thinks, because a customer who
 * typed the word the bot told them to type must never be trapped.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../paths.js';
import { normalizeText } from '../engine/text-normalize.js';
import { hashedFeatures, MAX_FEATURE_TEXT } from './hashed-features.js';
import { predict } from './softmax-regression.js';
import { decodeModelFile } from './model-file.js';
import { readTsv } from './labelled-rows.js';
import { ESCALATION_LABELS, ESCALATION_REASONS, escalationScore, type DetectedEscalationReason, type EscalationLabel, type Thresholds } from './escalation-labels.js';

export interface EscalationVerdict {
  /** The most likely label. */
  label: EscalationLabel;
  /** Set when the message should go to a person. */
  reason?: DetectedEscalationReason;
  /** Probability that the message needs a person (1 for a rule). */
  score: number;
  /** Who decided: the explicit-request rule, the classifier, or a language model asked for a second opinion. */
  source: 'rule' | 'classifier' | 'model';
  /** The score lies in the band where a second opinion (a language model) is worth asking for. */
  uncertain: boolean;
}

export interface EscalationClassifier {
  classify(text: string): EscalationVerdict;
}

const thresholdsSchema = z.object({ escalate: z.number(), uncertainBelow: z.number(), uncertainAbove: z.number() });

export const ESCALATION_MODEL_PATH = projectPath('data', 'escalation', 'model.bin');
export const EXPLICIT_REQUESTS_PATH = projectPath('data', 'escalation', 'explicit-requests.tsv');

/** Folded whole-message forms of the explicit requests, e.g. "agent", "human please", "0". */
export function readExplicitRequests(path = EXPLICIT_REQUESTS_PATH): Set<string> {
  return new Set(readTsv(path).map((row) => normalizeText(row.phrase ?? '')).filter((phrase) => phrase !== ''));
}

/** The classifier's verdict from its class probabilities (in {@link ESCALATION_LABELS} order). */
export function verdictFromProbabilities(probabilities: Float64Array, thresholds: Thresholds): EscalationVerdict {
  const score = escalationScore(probabilities);
  const uncertain = score >= thresholds.uncertainBelow && score < thresholds.uncertainAbove;
  const probabilityOf = (label: EscalationLabel): number => probabilities[ESCALATION_LABELS.indexOf(label)] ?? 0;
  if (score >= thresholds.escalate) {
    // The reason is the likeliest of the escalation labels, even when `none` alone outscores each of them.
    const reason = ESCALATION_REASONS.reduce((best, label) => (probabilityOf(label) > probabilityOf(best) ? label : best));
    return { label: reason, reason, score, source: 'classifier', uncertain };
  }
  return { label: probabilityOf('bot_question') > probabilityOf('none') ? 'bot_question' : 'none', score, source: 'classifier', uncertain };
}

/**
 * A message of digits and punctuation with at most a letter ("12345", "#A-10023", a survey's "4") is an order
 * number or a rating, not a request: the model folds every number to one mark, and learnt "0" (an explicit
 * request, which the rule reads) as a request, so it would take every number for one. Emoji alone still speak.
 */
export function speaks(text: string): boolean {
  return TWO_LETTERS_OR_EMOJI.test(text);
}

const TWO_LETTERS_OR_EMOJI = /\p{Extended_Pictographic}|\p{L}[^]*?\p{L}/u;

const QUIET: EscalationVerdict = { label: 'none', score: 0, source: 'classifier', uncertain: false };

/** Longer than any whole-message request ("talk to a real person please"): no need to fold it to look. */
const MAX_EXPLICIT_REQUEST = 80;

/** Sentences beyond this many are not judged apart: a pasted e-mail is judged as a whole. */
const MAX_SENTENCES = 4;

/** The sentences of a message (split at . ! ? and their CJK forms, and at line breaks). */
function sentencesOf(text: string): string[] {
  return text
    .split(/[.!?。！？\n]+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence))
    .slice(0, MAX_SENTENCES);
}

export function loadEscalationClassifier(modelPath = ESCALATION_MODEL_PATH, explicitRequests = readExplicitRequests()): EscalationClassifier {
  const file = decodeModelFile(readFileSync(modelPath));
  if (file.classes.join() !== ESCALATION_LABELS.join()) {
    throw new Error(`${modelPath}: classes ${file.classes.join(', ')} do not match this version's labels; run npm run train:escalation`);
  }
  const thresholds = thresholdsSchema.parse(file.info.thresholds);
  const judge = (text: string): EscalationVerdict => verdictFromProbabilities(predict(file.model, hashedFeatures(text, file.features)), thresholds);
  return {
    classify(whole) {
      // What a customer wants is said in the first few sentences; the cut keeps hostile 50 KB texts cheap.
      const text = whole.slice(0, MAX_FEATURE_TEXT);
      if (text.length <= MAX_EXPLICIT_REQUEST && explicitRequests.has(normalizeText(text))) return { label: 'asked_for_human', reason: 'asked_for_human', score: 1, source: 'rule', uncertain: false };
      if (!speaks(text)) return QUIET;
      // A cry for help after a routine question ("how long does shipping take? I want to kill myself") must not
      // be drowned by it: each sentence is judged too, and the most pressing verdict wins.
      const sentences = sentencesOf(text);
      const verdicts = [judge(text), ...(sentences.length > 1 ? sentences.map(judge) : [])];
      return verdicts.reduce((most, verdict) => (verdict.score > most.score ? verdict : most));
    },
  };
}

let shipped: EscalationClassifier | undefined;

/** The shipped model with the shipped rules, loaded on first use and shared: it is immutable. */
export function shippedEscalationClassifier(): EscalationClassifier {
  shipped ??= loadEscalationClassifier();
  return shipped;
}
