/**
 * Text folding for everything that compares customer text with known phrases (small talk, escalation rules,
 * the learnt classifiers' features): customers type without diacritics and with stray punctuation.
 */

/** Letters that NFD does not decompose into base letter + combining mark, folded by hand. */
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ı: 'i',
};

/** Any UTF-16 code unit beyond ASCII (surrogates included: the regular expression has no `u` flag). */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Folds text for matching: NFC → lowercase → strip accents (Latin, Greek, Cyrillic) → punctuation and symbols collapsed to single
 * spaces. So "Pasūtījumu?!" and "pasutijumu" fold to the same string.
 */
export function normalizeText(text: string): string {
  // Over half of the lexicon's terms and most messages are plain ASCII, where the Unicode steps change nothing
  // but cost most of the start-up's folding: there the letters are a–z and the digits 0–9, and nothing else is.
  if (!NON_ASCII.test(text)) return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  return text
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFD')
    // Accents on Latin, Greek and Cyrillic letters are often left out when typing, so they are folded away; in
    // Devanagari the vowel signs are letters of the word ("क" vs "की") and stay.
    .replace(/([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu, '$1')
    // Arabic short-vowel marks (harakat) are optional in writing.
    .replace(/[\u064B-\u065F\u0670]/g, '')
    .normalize('NFC')
    .replace(/[ßøæœłđı]/g, (letter) => EXTRA_FOLDS[letter] ?? letter)
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of already-normalized text. */
export function words(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}
