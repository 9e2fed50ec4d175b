/**
 * A reply that picks one of the options the bot offered by number ("2", "2.", "#2", "2️⃣", "٢", "２"): what a
 * customer types after "Did you mean: 1. … 2. …?". Only a number on its own counts: "2 adults and a child" is
 * a message, not a choice.
 */

/** Where the digits 0–9 of other scripts start (NFKC already folds fullwidth and circled digits to ASCII). */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6];
const KEYCAP = /\u{fe0f}?\u{20e3}/gu;
const CHOICE = /^(?:#|no\.?|nr\.?|n°|№)?\s*(\p{Nd})\s*[.)!]?$/iu;

function digitValue(character: string): number | undefined {
  const code = character.codePointAt(0) ?? 0;
  const zero = DIGIT_ZEROS.find((start) => code >= start && code < start + 10);
  return zero === undefined ? undefined : code - zero;
}

/** The 1-based number a message picks, or undefined when it is not a bare number from 1 to `count`. */
export function chosenNumber(text: string, count: number): number | undefined {
  const match = CHOICE.exec(text.normalize('NFKC').replace(KEYCAP, '').trim());
  const value = match?.[1] === undefined ? undefined : digitValue(match[1]);
  return value !== undefined && value >= 1 && value <= count ? value : undefined;
}
