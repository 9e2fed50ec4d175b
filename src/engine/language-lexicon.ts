/**
 * Greetings and goodbyes several served languages share ("hallo", "hej", "ciao"), with their reading stated:
 * such a message says which few languages it may be in, never which one. The words themselves come from the
 * small-talk table (small-talk.ts); this file only states, per shared word, which reading is the likeliest.
 */
import { detectSmallTalk } from './small-talk.js';
import { normalizeText } from './text-normalize.js';

/**
 * Shared phrases, likeliest language first: that one answers a first message with no other hint; any of them is
 * as good once the conversation or the channel points at it. Every phrase the small-talk table lists under more
 * than one language has an entry (test/language-lexicon.test.ts).
 */
export const SHARED_READINGS: Readonly<Record<string, readonly string[]>> = {
  hallo: ['de', 'nl', 'nb'],
  // Swedish writes "hallå", Norwegian "halla": the same word once the diacritics are gone.
  hallå: ['sv', 'nb'],
  halla: ['nb', 'sv'],
  // An Italian greeting, and a German goodbye.
  ciao: ['it', 'de'],
  salut: ['fr', 'ro'],
  sveiki: ['lv', 'lt'],
  sveika: ['lv', 'lt'],
  čau: ['cs', 'lv'],
  // Swedish and Danish say it far more than Polish, where it is a casual greeting among friends.
  hej: ['sv', 'da', 'pl'],
  hei: ['fi', 'nb'],
  pa: ['pl', 'ro'],
  'god dag': ['da', 'nb', 'sv'],
  'god morgen': ['da', 'nb'],
  'vi ses': ['sv', 'da', 'nb'],
  'ha det bra': ['nb', 'sv'],
  farvel: ['da', 'nb'],
};

/** Longer than any shared phrase with its punctuation and an emoji or two. */
const MAX_PHRASE_LENGTH = 60;
/** No shared phrase has more than three words ("ha det bra"). */
const MORE_THAN_THREE_WORDS = /\S\s+\S+\s+\S+\s+\S/u;

/** Lowercase letters and single spaces, diacritics kept: "Hallå!" → "hallå". */
function spelled(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{M}]+/gu, ' ').trim();
}

/** Readings by spelling first ("hallå" is Swedish), then folded like small talk ("cau" is "čau"). */
const SPELLED_READINGS = new Map(Object.entries(SHARED_READINGS).map(([phrase, languages]) => [spelled(phrase), languages]));
const FOLDED_READINGS = new Map(
  Object.entries(SHARED_READINGS)
    // A phrase written without diacritics is what its folded form most likely means ("halla": Norwegian).
    .sort(([a], [b]) => Number(spelled(a) === normalizeText(a)) - Number(spelled(b) === normalizeText(b)))
    .map(([phrase, languages]) => [normalizeText(phrase), languages]),
);

/**
 * The served languages a whole message may be in when it is a phrase several languages share, likeliest first
 * (just one when only one of them is served); undefined for any other message.
 */
export function sharedPhraseLanguages(text: string, served: ReadonlySet<string>): readonly string[] | undefined {
  // Shared phrases are short: a longer message is not one, and is not worth folding to find out.
  if (text.length > MAX_PHRASE_LENGTH || MORE_THAN_THREE_WORDS.test(text)) return undefined;
  const match = detectSmallTalk(text);
  if (!match || match.languages.length < 2) return undefined;
  const stated = SPELLED_READINGS.get(spelled(text)) ?? FOLDED_READINGS.get(normalizeText(text)) ?? [];
  const ordered = [...stated.filter((l) => match.languages.includes(l)), ...match.languages.filter((l) => !stated.includes(l))];
  const languages = ordered.filter((l) => served.has(l));
  return languages.length > 0 ? languages : undefined;
}
