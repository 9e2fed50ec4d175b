/**
 * Per-message language scores from `eld` (Nito-ELD, pure JS n-gram detector), restricted to the languages the
 * deployment serves. Chosen over franc after bench/language.ts: markedly more accurate on short support
 * messages and an order of magnitude faster. One instance per service, created in the composition root.
 */

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
}

/** One message's evidence: log-probabilities over served languages (0 for the best), and what drove them. */
export interface MessageScores {
  /** Best language, or undefined when the text carried nothing to judge by. */
  language: string | undefined;
  /** Natural-log probabilities of the plausible languages; a language missing here is below {@link SCORE_FLOOR}. */
  scores: Record<string, number>;
  /** Letters left after removing numbers, ids, links, emoji and filler such as "ok": how much text was judged. */
  letters: number;
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
/** Any script we shortcut on (see {@link scriptScores}); one test keeps Latin and Cyrillic text fast. */
const SHORTCUT_SCRIPT = /[\u0620-\u064a\u0671-\u06d3\u0750-\u077f\u0904-\u0939\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/u;

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
    if (token === '' || NOISE_TOKEN.test(token)) continue;
    for (const word of PLAIN_WORD.test(token) ? [token] : (token.match(WORD) ?? [])) {
      if (word.length <= LONGEST_NEUTRAL && NEUTRAL_WORDS.has(word.toLowerCase())) continue;
      words.push(word);
      length += word.length + 1;
      ngrams += ngramsOfWord(word);
    }
  }
  if (words.length === 0) return { text: '', letters: 0, ngrams: 0 };
  const text = words.join(' ');
  let letters = length - (words.length - 1);
  if (SHORTCUT_SCRIPT.test(text)) letters += 2 * (text.match(DENSE)?.length ?? 0);
  return { text, letters, ngrams };
}

/**
 * Script shortcuts for text eld's medium database scores poorly when short (e.g. "谢谢"): kana is Japanese,
 * Han without kana is Chinese (or Japanese), Arabic script Arabic, Devanagari Hindi.
 */
function scriptScores(text: string, served: ReadonlySet<string>): Record<string, number> | undefined {
  if (!SHORTCUT_SCRIPT.test(text)) return undefined;
  const pick = (entries: [string, number][]) => {
    const scores = Object.fromEntries(entries.filter(([l]) => served.has(l)));
    return Object.keys(scores).length > 0 ? scores : undefined;
  };
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return pick([['ja', 0]]);
  if (/\p{Script=Han}/u.test(text)) return pick([['zh', 0], ['ja', -1.5]]);
  if (/\p{Script=Arabic}/u.test(text)) return pick([['ar', 0]]);
  if (/\p{Script=Devanagari}/u.test(text)) return pick([['hi', 0]]);
  return undefined;
}

/** eld reports s = x / (x + 25) for an average n-gram score x; this undoes the squashing. */
function unsquash(score: number): number {
  return score >= 1 ? 1e6 : (25 * score) / (1 - score);
}

/** Wraps an eld instance restricted to `languages`; use {@link createLanguageDetector} to load one. */
export function languageDetectorFrom(eld: EldInstance, model: DetectorModel, options: LanguageDetectorOptions): LanguageDetector {
  const served = new Set(options.languages);
  const toOurs = new Map<string, string>();
  for (const language of options.languages) toOurs.set(ELD_CODE[language] ?? language, language);
  const instance = eld.newInstance();
  instance.setLanguageSubset([...toOurs.keys()]);
  const temperature = options.temperature ?? DEFAULT_TEMPERATURE;

  return {
    languages: [...options.languages],
    model,
    detect(raw) {
      const { text, letters, ngrams } = languageBearingText(raw);
      if (letters === 0) return { language: undefined, scores: {}, letters };
      const script = scriptScores(text, served);
      if (script) return { language: Object.keys(script)[0], scores: script, letters };

      // eld's scores: the squashed average n-gram score of each language of the subset it found n-grams for.
      const squashed = instance.detect(text).getScores();
      const languages: string[] = [];
      const averages: number[] = [];
      let best = 0;
      let language: string | undefined;
      for (const code in squashed) {
        const ours = toOurs.get(code);
        if (ours === undefined) continue;
        const average = unsquash(squashed[code] ?? 0);
        languages.push(ours);
        averages.push(average);
        if (average > best) [best, language] = [average, ours];
      }
      if (language === undefined) return { language, scores: {}, letters };
      // Log-probabilities: score differences times the n-gram count, over the temperature, softmax-normalized.
      // Languages eld found no n-gram for at all sit at the floor, and count in the normalization.
      const scale = ngrams / temperature;
      let sum = (served.size - languages.length) * Math.exp(SCORE_FLOOR);
      for (const average of averages) sum += Math.exp((average - best) * scale);
      const total = Math.log(sum);
      const scores: Record<string, number> = {};
      averages.forEach((average, i) => {
        const logp = (average - best) * scale - total;
        if (logp > SCORE_FLOOR) scores[languages[i] ?? ''] = Math.round(logp * 1000) / 1000;
      });
      return { language, scores, letters };
    },
  };
}

/** Loads eld's database (once per process; instances share it) and restricts it to the served languages. */
export async function createLanguageDetector(options: LanguageDetectorOptions): Promise<LanguageDetector> {
  const model = options.model ?? 'medium';
  const module: { eld: EldInstance } = model === 'large' ? await import('eld/large') : await import('eld/medium');
  return languageDetectorFrom(module.eld, model, options);
}
