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
/** Han and kana: one character carries about as much as three Latin letters. */
const DENSE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
/** Any script we shortcut on (see {@link scriptScores}); one test keeps Latin and Cyrillic text fast. */
const SHORTCUT_SCRIPT = /[\u0620-\u064a\u0671-\u06d3\u0750-\u077f\u0904-\u0939\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/u;

/** What is left of a message once the language-neutral parts are gone, and how many letters that is. */
export function languageBearingText(text: string): { text: string; letters: number } {
  const words: string[] = [];
  for (const token of text.normalize('NFC').split(/\s+/)) {
    if (token === '' || NOISE_TOKEN.test(token)) continue;
    for (const word of token.match(WORD) ?? []) if (!NEUTRAL_WORDS.has(word.toLowerCase())) words.push(word);
  }
  if (words.length === 0) return { text: '', letters: 0 };
  const kept = words.join(' ');
  let letters = kept.length - (words.length - 1);
  if (SHORTCUT_SCRIPT.test(kept)) letters += 2 * (kept.match(DENSE)?.length ?? 0);
  return { text: kept, letters: Math.max(0, letters) };
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

/** Roughly how many distinct n-grams eld scored: its scores are per n-gram averages, evidence grows with count. */
function ngramCount(text: string): number {
  let count = 0;
  for (const word of text.toLowerCase().split(/\s+/)) {
    const bytes = Buffer.byteLength(word, 'utf8');
    if (bytes > 0) count += bytes <= 4 ? 1 : Math.ceil((Math.min(bytes, 70) - 4) / 3) + 1;
  }
  return count;
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
      const { text, letters } = languageBearingText(raw);
      if (letters === 0) return { language: undefined, scores: {}, letters };
      const script = scriptScores(text, served);
      if (script) return { language: Object.keys(script)[0], scores: script, letters };

      const result = instance.detect(text);
      const n = ngramCount(text);
      const averages = new Map<string, number>();
      for (const [code, score] of Object.entries(result.getScores())) {
        const ours = toOurs.get(code);
        if (ours) averages.set(ours, unsquash(score));
      }
      const best = Math.max(0, ...averages.values());
      if (best === 0) return { language: undefined, scores: {}, letters };
      const logits: [string, number][] = [...averages].map(([l, x]) => [l, ((x - best) * n) / temperature]);
      // Languages eld found no n-gram for at all sit at the floor, and count in the normalization.
      const missing = served.size - logits.length;
      const total = Math.log(logits.reduce((sum, [, v]) => sum + Math.exp(v), 0) + missing * Math.exp(SCORE_FLOOR));
      const scores: Record<string, number> = {};
      let language: string | undefined;
      let top = -Infinity;
      for (const [l, v] of logits) {
        const logp = v - total;
        if (logp > SCORE_FLOOR) scores[l] = Math.round(logp * 1000) / 1000;
        if (v > top) [top, language] = [v, l];
      }
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
