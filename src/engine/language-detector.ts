/**
 * Per-message language scores, restricted to the languages the deployment serves, from evidence in this order:
 * 1. a phrase several languages share ("hallo", "hej") names its few languages and no other (language-lexicon.ts);
 * 2. a script only one served language writes decides it (kana, Arabic, Devanagari; language-letters.ts);
 * 3. Latin text with two of Hindi's or Arabic's markers is Hindi or Arabic ("bhai mera refund kab aayega",
 *    "3ayez alghi el eshtirak law sama7t"; romanized.ts), which the n-grams take for Czech, English or Romanian;
 *    and Latin text with "¿" or "¡" is Spanish;
 * 4. letters only some languages of the script use rule the others out strongly ("і", "ł", "ß");
 * 5. n-gram scores from `eld` (Nito-ELD, pure JS; chosen over franc after bench/language.ts: markedly more
 *    accurate on short support messages and an order of magnitude faster), on top of 2 and 4;
 * 6. on short text, support words (a lexicon per language: language-vocabulary.ts) add their languages' votes;
 * 7. on short text, close languages (uk/ru, pt/es, nb/da/sv, cs/pl, zh/ja) are decided by the function words
 *    each writes (language-pairs.ts) instead of by the n-grams' first choice.
 * Digits, order numbers, links and emoji are no evidence. One instance per service, created in the composition root.
 */
import { deriveLetterTable, languageTexts, letterEvidence, type LetterTable } from './language-letters.js';
import { sharedPhraseLanguages } from './language-lexicon.js';
import { closeGroupVotes, hanVotes, MARKER_NATS } from './language-pairs.js';
import { createLanguageVocabulary, type LanguageVocabulary } from './language-vocabulary.js';
import { romanizedLanguage } from './romanized.js';
import { shippedSynonymLexicon } from '../understanding/synonym-lexicon.js';

const SPANISH_MARKS = /[¿¡]/u;

/** eld's detection result, as much of it as we read. */
interface EldResult {
  language: string;
  getScores(): Record<string, number>;
}

/** The slice of eld's API we use; its static entries export objects of this shape. */
interface EldInstance {
  detect(text: string): EldResult;
  setLanguageSubset(languages: string[] | boolean): Record<number, string>;
  newInstance(): EldInstance;
}

/** eld's n-gram databases: `medium` is the default trade-off; `large` is a little more accurate on short text. */
export type DetectorModel = 'medium' | 'large';

export interface LanguageDetectorOptions {
  /** The served languages (ISO 639-1, our locale names: `nb` for Norwegian Bokmål). */
  languages: readonly string[];
  model?: DetectorModel;
  /**
   * Nats per unit of eld's per-n-gram score difference per n-gram; turns its scores into log-probabilities.
   * Default {@link DEFAULT_TEMPERATURE}, fitted on bench/language.ts.
   */
  temperature?: number;
  /** Scripts and distinctive letters of the served languages; derived from their locales when not given. */
  letters?: LetterTable;
  /** Support words per language (language-vocabulary.ts); from the shipped synonym lexicon when not given. */
  vocabulary?: LanguageVocabulary;
}

/** One message's evidence: log-probabilities over served languages (0 for the best), and what drove them. */
export interface MessageScores {
  /** Best language, or undefined when the text carried nothing to judge by. */
  language: string | undefined;
  /** Natural-log probabilities of the plausible languages; a language missing here is below {@link SCORE_FLOOR}. */
  scores: Record<string, number>;
  /** Letters left after removing numbers, ids, links, emoji and filler such as "ok": how much text was judged. */
  letters: number;
  /**
   * The one served language the message's script or distinctive letters single out (and the n-grams do not
   * contradict): it outweighs the conversation's earlier guess.
   */
  decisive?: { language: string; by: 'script' | 'letters' } | undefined;
  /**
   * The message is a phrase several served languages share ("hallo": de, nl, nb), likeliest first: it is one
   * of these and no other, and says nothing about which.
   */
  shared?: readonly string[] | undefined;
}

export interface LanguageDetector {
  readonly languages: readonly string[];
  readonly model: DetectorModel;
  detect(text: string): MessageScores;
}

export const DEFAULT_TEMPERATURE = 40;
/** A message never rules a language out more than this (in nats): one odd message must not be a veto. */
export const SCORE_FLOOR = -6;

/** eld's own code where it differs from our locale name. */
const ELD_CODE: Readonly<Record<string, string>> = { nb: 'no', nn: 'no' };

/** Words that say nothing about the language: acknowledgements and laughter typed the same everywhere. */
const NEUTRAL_WORDS = new Set([
  'ok', 'okay', 'okey', 'oki', 'okk', 'k', 'kk', 'hmm', 'hm', 'mm', 'mmm', 'ah', 'oh', 'eh', 'uh', 'lol', 'haha',
  'hahaha', 'hehe', 'xd', 'xo', 'wow', 'ups', 'oops', 'sms', 'pdf', 'id', 'ok?', 'eur', 'usd', 'gbp',
]);

/** Links, e-mail addresses, and any token with a digit (order ids, prices, phone numbers, dates). */
const NOISE_TOKEN = /\d|@|^(?:https?:|www\.)/i;
const WORD = /[\p{L}\p{M}'’-]+/gu;
/** A token that is one plain word, the common case: it needs no splitting. */
const PLAIN_WORD = /^[\p{L}\p{M}]+$/u;
const WHITESPACE = /\s+/;
/** The longest entry of {@link NEUTRAL_WORDS}: longer words skip the lowercase-and-look-up. */
const LONGEST_NEUTRAL = 6;
/** Han and kana: one character carries about as much as three Latin letters. */
const DENSE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
/** Scripts written without spaces: "订单48213还没发货" is words glued to an order number, not an id. */
const UNSPACED_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}ー]+/gu;
/** One test keeps Latin and Cyrillic text off the slower dense-letter count. */
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]/u;

/**
 * Characters of language-bearing text analysed per message. A support message's language is clear from its
 * first sentence or two; analysing a pasted e-mail in full costs time and changes no verdict (bench/language.ts).
 */
export const MAX_ANALYSED_CHARACTERS = 200;
/** Raw characters scanned for them: ids, links and numbers before the words are skipped, not counted. */
const MAX_SCANNED_CHARACTERS = 4 * MAX_ANALYSED_CHARACTERS;

/** What is left of a message once the language-neutral parts are gone. */
export interface LanguageBearingText {
  /** The words kept, joined by single spaces; at most about {@link MAX_ANALYSED_CHARACTERS}. */
  text: string;
  /** Letters in `text` (Han and kana count three): how much text is judged. */
  letters: number;
  /** eld's n-grams in `text`, roughly (4 UTF-8 bytes, stride 3, per word): its scores are per n-gram averages. */
  ngrams: number;
}

/** UTF-8 length of a word without allocating a buffer. */
function utf8Length(word: string): number {
  let bytes = 0;
  for (let i = 0; i < word.length; i += 1) {
    const code = word.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** eld's n-grams in one word: one per 3 bytes after the first 4, up to 70 bytes (see its getByteNgrams). */
function ngramsOfWord(word: string): number {
  const bytes = utf8Length(word);
  return bytes <= 4 ? 1 : Math.ceil((Math.min(bytes, 70) - 4) / 3) + 1;
}

/**
 * What is left of a message once the language-neutral parts are gone (numbers, ids, links, emoji, "ok"),
 * normalized to NFC and cut to about {@link MAX_ANALYSED_CHARACTERS}.
 */
export function languageBearingText(raw: string): LanguageBearingText {
  const words: string[] = [];
  let length = -1;
  let ngrams = 0;
  for (const token of raw.slice(0, MAX_SCANNED_CHARACTERS).normalize('NFC').split(WHITESPACE)) {
    if (length >= MAX_ANALYSED_CHARACTERS) break;
    if (token === '') continue;
    const noise = NOISE_TOKEN.test(token);
    if (noise && !CJK.test(token)) continue;
    for (const word of noise ? (token.match(UNSPACED_RUN) ?? []) : PLAIN_WORD.test(token) ? [token] : (token.match(WORD) ?? [])) {
      if (word.length <= LONGEST_NEUTRAL && NEUTRAL_WORDS.has(word.toLowerCase())) continue;
      words.push(word);
      length += word.length + 1;
      ngrams += ngramsOfWord(word);
    }
  }
  if (words.length === 0) return { text: '', letters: 0, ngrams: 0 };
  const text = words.join(' ');
  let letters = length - (words.length - 1);
  if (CJK.test(text)) letters += 2 * (text.match(DENSE)?.length ?? 0);
  return { text, letters, ngrams };
}

/** eld reports s = x / (x + 25) for an average n-gram score x; this undoes the squashing. */
function unsquash(score: number): number {
  return score >= 1 ? 1e6 : (25 * score) / (1 - score);
}

/** Letters of text below which close languages are decided by their function words rather than by n-grams. */
export const PAIR_MAX_LETTERS = 80;
/** Nats against a language for each word whose distinctive letters it does not write ("і" against Russian). */
export const LETTER_NATS = 3;
/** At most this many such words count: a sentence full of a name's letters is still one piece of evidence twice. */
const MAX_LETTER_WORDS = 2;
const MAX_VOCABULARY_WORDS = 2;
/** Han alone: Japanese is this far behind Chinese when no marker tells them apart. */
const HAN_JAPANESE_PENALTY = 1.5;
/** Letters of text up to which support words count (language-vocabulary.ts): longer text has n-grams enough. */
export const VOCABULARY_MAX_LETTERS = 40;
/** Nats for a language per support word of the text it writes, for at most two words. */
export const VOCABULARY_NATS = 3;
/** A shared phrase's readings, each this much behind the one before: a stated preference, not evidence. */
const READING_STEP = 0.5;

/** Log-probabilities over `languages` from raw log-odds: softmax-normalized, rounded, below the floor dropped. */
function normalized(raw: Readonly<Record<string, number>>): Record<string, number> {
  const values = Object.values(raw);
  const max = Math.max(...values);
  const total = max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
  const scores: Record<string, number> = {};
  for (const [language, value] of Object.entries(raw)) {
    const logp = value - total;
    // `|| 0`: a rounded -0 would not equal the 0 it stands for once stored as JSON and read back.
    if (logp > SCORE_FLOOR) scores[language] = Math.round(logp * 1000) / 1000 || 0;
  }
  return scores;
}

function best(scores: Readonly<Record<string, number>>): string | undefined {
  let top: string | undefined;
  for (const [language, score] of Object.entries(scores)) if (top === undefined || score > (scores[top] ?? -Infinity)) top = language;
  return top;
}

/** Wraps an eld instance restricted to `languages`; use {@link createLanguageDetector} to load one. */
export function languageDetectorFrom(eld: EldInstance, model: DetectorModel, options: LanguageDetectorOptions): LanguageDetector {
  const served = new Set(options.languages);
  const toOurs = new Map<string, string>();
  for (const language of options.languages) toOurs.set(ELD_CODE[language] ?? language, language);
  const instance = eld.newInstance();
  instance.setLanguageSubset([...toOurs.keys()]);
  const temperature = options.temperature ?? DEFAULT_TEMPERATURE;
  const table = options.letters ?? deriveLetterTable(languageTexts(options.languages));
  const vocabulary = options.vocabulary ?? createLanguageVocabulary(shippedSynonymLexicon(), served);

  /**
   * eld's log-odds for `candidates`, 0 for its best, {@link SCORE_FLOOR} for those it found no n-gram for; all at
   * the floor when it found none for any.
   */
  function ngramScores(text: string, ngrams: number, candidates: readonly string[]): Record<string, number> {
    // eld's scores: the squashed average n-gram score of each language of the subset it found n-grams for.
    const squashed = instance.detect(text).getScores();
    const averages = new Map<string, number>();
    for (const code in squashed) {
      const ours = toOurs.get(code);
      if (ours !== undefined) averages.set(ours, unsquash(squashed[code] ?? 0));
    }
    const top = Math.max(0, ...averages.values());
    // Score differences times the n-gram count, over the temperature.
    const scale = ngrams / temperature;
    return Object.fromEntries(candidates.map((l) => {
      const average = averages.get(l);
      return [l, average === undefined ? SCORE_FLOOR : Math.max(SCORE_FLOOR, (average - top) * scale)];
    }));
  }

  return {
    languages: [...options.languages],
    model,
    detect(raw) {
      const { text, letters, ngrams } = languageBearingText(raw);
      const shared = sharedPhraseLanguages(raw, served);
      if (shared) {
        const scores = Object.fromEntries(shared.map((l, i) => [l, -READING_STEP * i]));
        return { language: shared[0], scores: normalized(scores), letters, shared: shared.length > 1 ? shared : undefined };
      }
      if (letters === 0) return { language: undefined, scores: {}, letters };

      const evidence = letterEvidence(text, table);
      // The raw message: the digits inside Arabizi words ("ra2m") make them look like ids, which the bearing text drops.
      const romanized = evidence.script === 'Latin' ? romanizedLanguage(raw, served) : undefined;
      if (romanized !== undefined) return { language: romanized, scores: { [romanized]: 0 }, letters };
      // Inverted question and exclamation marks are Spanish's alone among the served languages ("¿reembolso?").
      if (evidence.script === 'Latin' && served.has('es') && SPANISH_MARKS.test(raw)) return { language: 'es', scores: { es: 0 }, letters };
      const candidates = evidence.languages.filter((l) => served.has(l));
      const only = candidates.length === 1 ? candidates[0] : undefined;
      if (only !== undefined) return { language: only, scores: { [only]: 0 }, letters, decisive: { language: only, by: 'script' } };
      if (candidates.length === 0) return { language: undefined, scores: {}, letters };

      if (evidence.script === 'Han') {
        const votes = hanVotes(text);
        const [leader, other] = votes.ja > votes.zh ? ['ja', 'zh'] : ['zh', 'ja'];
        const raw = { [leader]: 0, [other]: -HAN_JAPANESE_PENALTY - MARKER_NATS * Math.abs(votes.ja - votes.zh) };
        const scores = normalized(Object.fromEntries(Object.entries(raw).filter(([l]) => served.has(l))));
        return { language: best(scores), scores, letters };
      }

      const combined = ngramScores(text, ngrams, candidates);
      // Support words count even where the n-grams found nothing: "iade?" is Turkish, though too short for eld.
      const supportWords = letters <= VOCABULARY_MAX_LETTERS ? vocabulary.votes(text) : new Map<string, number>();
      // Nothing known about these words ("xyzzy") is no evidence, not a uniform verdict.
      if (evidence.judged === 0 && supportWords.size === 0 && candidates.every((l) => combined[l] === SCORE_FLOOR)) return { language: undefined, scores: {}, letters };
      for (const language of candidates) combined[language] = (combined[language] ?? SCORE_FLOOR) - LETTER_NATS * Math.min(evidence.misses[language] ?? 0, MAX_LETTER_WORDS);
      for (const language of candidates) combined[language] = (combined[language] ?? SCORE_FLOOR) + VOCABULARY_NATS * Math.min(supportWords.get(language) ?? 0, MAX_VOCABULARY_WORDS);
      const leader = best(combined);
      const votes = leader !== undefined && letters <= PAIR_MAX_LETTERS ? closeGroupVotes(text, leader) : undefined;
      if (votes) {
        // The member with the most markers takes the group's best score; the others fall behind by their deficit.
        const members = Object.keys(votes).filter((l) => combined[l] !== undefined);
        const most = Math.max(...members.map((l) => votes[l] ?? 0));
        const winners = members.filter((l) => votes[l] === most);
        const groupBest = Math.max(...members.map((l) => combined[l] ?? SCORE_FLOOR));
        if (winners.length === 1) {
          for (const l of members) combined[l] = l === winners[0] ? groupBest : Math.min(combined[l] ?? SCORE_FLOOR, groupBest - MARKER_NATS * (most - (votes[l] ?? 0)));
        }
      }
      const scores = normalized(combined);
      const language = best(scores);
      const unruled = candidates.filter((l) => (evidence.misses[l] ?? 0) === 0);
      const decisive = language !== undefined && evidence.judged > 0 && unruled.length === 1 && unruled[0] === language ? { language, by: 'letters' as const } : undefined;
      return { language, scores, letters, decisive };
    },
  };
}

/** Loads eld's database (once per process; instances share it) and restricts it to the served languages. */
export async function createLanguageDetector(options: LanguageDetectorOptions): Promise<LanguageDetector> {
  const model = options.model ?? 'medium';
  const module: { eld: EldInstance } = model === 'large' ? await import('eld/large') : await import('eld/medium');
  return languageDetectorFrom(module.eld, model, options);
}
