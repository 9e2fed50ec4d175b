/**
 * Whether a customer's message is a satisfaction rating: a digit from 1 to 5 ("4", "4/5", "4 / 5.", also
 * full-width, Arabic-Indic and Devanagari digits) or one to five stars ("⭐⭐⭐⭐", "★★★"). Anything longer is a
 * message, not a rating: "4 items missing" must reach the dialogue.
 */

/** Digit blocks whose characters NFKC does not fold to ASCII: Arabic-Indic, Eastern Arabic-Indic, Devanagari. */
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x0966];

function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f]/gu, (digit) => {
    const code = digit.codePointAt(0) ?? 0;
    const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9) ?? code;
    return String(code - zero);
  });
}

const DIGIT_RATING = /^([1-5])(?:\s*\/\s*5)?\s*[.!]?$/u;
const STAR_RATING = /^[⭐★🌟]{1,5}$/u;

/** The rating (1–5) the text gives, or undefined when it is not a rating. */
export function parseRating(text: string): number | undefined {
  // NFKC folds full-width digits and the slash; variation selectors and spaces between stars carry no meaning.
  const folded = asciiDigits(text.normalize('NFKC')).replace(/\uFE0F/gu, '').trim();
  const digit = DIGIT_RATING.exec(folded);
  if (digit) return Number(digit[1]);
  const stars = folded.replace(/\s+/gu, '');
  return STAR_RATING.test(stars) ? [...stars].length : undefined;
}
