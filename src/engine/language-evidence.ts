/**
 * The conversation's language evidence: the recent messages' scores, each counting half as much as the one
 * after it, so a long history cannot outvote a customer who really switched, plus the language the customer
 * last asked for. Stored with the conversation as JSON; pure functions over it.
 */
import { z } from 'zod';
import { SCORE_FLOOR } from './language-detector.js';

/** One message's evidence as kept: log-probabilities of the plausible languages and how much it counts. */
export interface LanguageSample {
  scores: Record<string, number>;
  /** 0…1: short and language-neutral messages count for little. */
  weight: number;
}

export interface LanguageEvidenceState {
  /** Oldest first; at most {@link MAX_SAMPLES}. */
  recent: LanguageSample[];
  /** The language the customer explicitly asked for, last. */
  confirmed?: string;
}

/** 0.5^6 < 2%: older messages no longer matter. */
export const MAX_SAMPLES = 6;
/** Each newer message halves the weight of everything before it. */
export const DEFAULT_DECAY = 0.5;
/** Letters at which a message counts fully; fewer letters count proportionally less. */
export const FULL_WEIGHT_LETTERS = 24;

const stateSchema = z.object({
  recent: z.array(z.object({ scores: z.record(z.string(), z.number()), weight: z.number().min(0).max(1) })).max(MAX_SAMPLES * 2),
  confirmed: z.string().optional(),
});

/** The stored evidence, or a fresh start when there is none or it is from a format we no longer read. */
export function parseLanguageEvidence(stored: unknown): LanguageEvidenceState {
  const parsed = stateSchema.safeParse(stored);
  return parsed.success ? parsed.data : { recent: [] };
}

/** How much a message with this many language-bearing letters counts: "ok", "12345" and "👍" count zero. */
export function messageWeight(letters: number, fullWeightLetters = FULL_WEIGHT_LETTERS): number {
  return Math.max(0, Math.min(1, (letters - 1) / (fullWeightLetters - 1)));
}

/** The evidence after one more message; a message with no weight changes nothing, not even the decay. */
export function addSample(state: LanguageEvidenceState, sample: LanguageSample): LanguageEvidenceState {
  if (sample.weight <= 0 || Object.keys(sample.scores).length === 0) return state;
  return { ...state, recent: [...state.recent, sample].slice(-MAX_SAMPLES) };
}

/** Decayed sum of the recent messages' log-probabilities for each language (≤ 0; 0 for "no evidence"). */
export function decayedTotals(
  recent: readonly LanguageSample[],
  languages: readonly string[],
  decay = DEFAULT_DECAY,
): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(languages.map((l) => [l, 0]));
  recent.forEach((sample, index) => {
    const factor = sample.weight * decay ** (recent.length - 1 - index);
    for (const language of languages) totals[language] = (totals[language] ?? 0) + factor * (sample.scores[language] ?? SCORE_FLOOR);
  });
  return totals;
}

/**
 * Folds a known phrase's language (a greeting from the small-talk table, the language of the knowledge-base
 * question the message matched) into the detector's scores: such a match is worth more than n-grams.
 */
export function withPhraseLanguage(sample: LanguageSample, language: string, bonus = 3, minWeight = 0.5): LanguageSample {
  const scores: Record<string, number> = { [language]: 0 };
  for (const [l, v] of Object.entries(sample.scores)) if (l !== language && v - bonus > SCORE_FLOOR) scores[l] = v - bonus;
  return { scores, weight: Math.max(sample.weight, minWeight) };
}
