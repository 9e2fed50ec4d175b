/**
 * Languages written in Latin letters by many of their speakers: Hindi ("bhai mera refund kab tak aayega?") and
 * Arabic ("salam, 3ayez a2alghi el eshtirak law sama7t"). The script says nothing (the n-grams take them for
 * Czech, English or Romanian), but their function words are their own, and Arabic's letters without a Latin
 * equivalent are written as digits inside words (3 ع, 7 ح, 2 ء, 5 خ, 9 ق): a message with two or more of these
 * markers is in that language. The lists leave out words another served language writes ("tak" is Polish, "the"
 * English, "mein" German, "el" and "ya" Spanish, "fi" and "ma" Italian, "law" English); "hai" is Italian too,
 * which is why one marker is not enough.
 */
import { normalizeText, words } from './text-normalize.js';

const HINDI_WORDS = new Set(
  (
    'hai hain kya kab kyun kyu mera meri mere mujhe maine humne aap aapka aapki aapke kaise kaisa nahi nahin nhi hoga hogi ' +
    'karna karo karein karke krna kardo krdo aayega aaya aayi aaye gaya gayi kitna kitne kitni wala wali bhai yaar accha ' +
    'acha theek thik abhi jaldi paisa paise chahiye batao bataye bataiye kijiye raha rahi rahe tha thi koi kuch bohot ' +
    'bahut lekin aur bhi hum tum apna apni diya liya kiya kiye woh galat'
  ).split(' '),
);

const ARABIC_WORDS = new Set(
  (
    'salam salaam marhaba mar7aba shukran shokran inshallah yalla habibi 3ayez 3ayz 3awz bade baddi biddi abgha ' +
    'mesh msh mish leh lesh leish wein fein feen kif keef izzay ezay ezzay ezzayak kteer ktir awi shwaya lazem mumkin ' +
    'momken mumken ba3d ma3 wala 7aga alaykom alaikum 3alaykom ahlan masa2 ento entu homa ma3lesh khalas 5alas tayeb ' +
    'tayyeb'
  ).split(' '),
);

/**
 * A word with one of the digits Arabizi writes for Arabic letters: between letters ("sama7t", "ra2m"), or first
 * before a vowel ("3ayez", "7abibi"), but not "5th", "9pm" or English chat's "2day", "gr8" (no 2 first, no 4 or 8).
 */
const ARABIZI_WORD = /^(?:\p{L}+[23579]\p{L}+|[3579][aeiou]\p{L}+)$/u;

/** Distinct markers needed: one could be a name, a loanword or a typo. */
const MIN_MARKERS = 2;

const RULES: readonly { language: string; isMarker: (word: string) => boolean }[] = [
  { language: 'hi', isMarker: (word) => HINDI_WORDS.has(word) },
  { language: 'ar', isMarker: (word) => ARABIC_WORDS.has(word) || ARABIZI_WORD.test(word) },
];

/** The served language a Latin-letter message is romanized in, if its markers say so. */
export function romanizedLanguage(text: string, served: ReadonlySet<string>): string | undefined {
  // Digits are part of Arabizi words, so they are kept; the text is folded as everywhere else.
  const tokens = words(normalizeText(text));
  for (const { language, isMarker } of RULES) {
    if (served.has(language) && new Set(tokens.filter(isMarker)).size >= MIN_MARKERS) return language;
  }
  return undefined;
}
