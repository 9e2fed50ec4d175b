/**
 * Spots a model answer in which the assistant claims to be a person or denies being an AI ("I'm a real
 * person", "ich bin kein Bot"). The policy forbids it and the customer must always know they talk to an AI, so
 * such an answer is discarded and the offline answer goes instead. Pure; the phrases are data
 * (src/engine/human-claim-phrases.ts) and are searched in every language, since a model may slip out of the
 * conversation's language.
 */
import { HUMAN_CLAIM_PHRASES } from './human-claim-phrases.js';
import { normalizeText } from './text-normalize.js';

export interface HumanClaimDetector {
  /** The folded phrase in which the text claims to be human, or undefined when it makes no such claim. */
  find(text: string): string | undefined;
}

/** Folds the letters of a fragment like customer text; the regular-expression syntax around them is ASCII. */
function foldFragment(fragment: string): string {
  return fragment.replace(/\p{L}+/gu, (word) => normalizeText(word) || word);
}

/** Compiles the phrase data once (default: the shipped phrases); keep the detector on an instance. */
export function createHumanClaimDetector(phrases: Readonly<Record<string, readonly string[]>> = HUMAN_CLAIM_PHRASES): HumanClaimDetector {
  const body = Object.values(phrases)
    .flat()
    .map((fragment) => `(?:${foldFragment(fragment)})`)
    .join('|');
  // Unicode-aware word boundaries: `\b` in JavaScript only knows ASCII letters.
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, 'u');
  return {
    find(text) {
      return pattern.exec(normalizeText(text))?.[0];
    },
  };
}
