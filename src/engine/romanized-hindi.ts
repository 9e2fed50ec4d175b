/**
 * Hindi written in Latin letters ("bhai mera refund kab tak aayega?"), as many customers in India type it. Its
 * script says nothing (the n-grams take it for Czech or English), but its function words are Hindi's own:
 * a message with two or more of these is Hindi. The list leaves out words another served language writes
 * ("tak" is Polish, "the" English, "mein" German, "kar" Turkish, "par" French, "ho" Italian and Czech); "hai"
 * is Italian too, which is why one marker is not enough.
 */
import { normalizeText, words } from './text-normalize.js';

const MARKERS = new Set(
  (
    'hai hain kya kab kyun kyu mera meri mere mujhe maine humne aap aapka aapki aapke kaise kaisa nahi nahin nhi hoga hogi ' +
    'karna karo karein karke krna kardo krdo aayega aaya aayi aaye gaya gayi kitna kitne kitni wala wali bhai yaar accha ' +
    'acha theek thik abhi jaldi paisa paise chahiye batao bataye bataiye kijiye raha rahi rahe tha thi koi kuch bohot ' +
    'bahut lekin aur bhi hum tum apna apni diya liya kiya kiye woh galat'
  ).split(' '),
);

/** Distinct markers needed: one could be a name or a loanword. */
const MIN_MARKERS = 2;

/** Whether a Latin-letter message reads as Hindi. */
export function isRomanizedHindi(text: string): boolean {
  const found = new Set(words(normalizeText(text)).filter((word) => MARKERS.has(word)));
  return found.size >= MIN_MARKERS;
}
