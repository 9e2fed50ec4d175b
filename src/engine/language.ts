/**
 * The conversation's language after one more message, in order of precedence:
 * 1. an explicit request ("in English please") wins outright;
 * 2. a phrase several languages share ("hallo": de/nl/nb) keeps the conversation's language, and in a new one
 *    picks among its own readings by the channel's hints, else the likeliest: never a third language;
 * 3. a script or letter only one served language writes (kana, "і") decides, over the earlier guess and the
 *    channel's hints, unless the customer asked for a language before;
 * 4. otherwise the decayed evidence of the recent messages is added to priors (the language last asked for,
 *    browser or Bot Framework locale, phone country, the current language, the default) and the best total
 *    wins. Short or neutral messages carry little weight, so "ok" or "cena?" cannot flip a conversation, while
 *    two clear messages in a new language do.
 * Pure: the detector's scores come in, the verdict and new evidence go out.
 */
import { ConfigError } from '../errors.js';
import type { ChannelHints } from '../model.js';
import { countryLanguages, countryOfPhoneNumber } from './country-language.js';
import type { MessageScores } from './language-detector.js';
import {
  addSample,
  decayedTotals,
  DEFAULT_DECAY,
  FULL_WEIGHT_LETTERS,
  messageWeight,
  parseLanguageEvidence,
  withPhraseLanguage,
  type LanguageEvidenceState,
} from './language-evidence.js';

/** Prior strengths in nats (log-odds). A clear message is worth up to |SCORE_FLOOR| = 6. */
export interface LanguageTuning {
  /** The language the customer last asked for. */
  confirmed: number;
  /** The channel's locale (Accept-Language, navigator.language, Bot Framework activity.locale). */
  locale: number;
  /** Phone or channel country, multiplied by each language's share of the country. */
  country: number;
  /** The conversation's current language: hysteresis against flipping on near-ties. */
  current: number;
  /** The deployment's default: breaks ties when nothing else speaks. */
  fallback: number;
  decay: number;
  fullWeightLetters: number;
}

export const DEFAULT_TUNING: LanguageTuning = {
  confirmed: 6,
  locale: 2.5,
  country: 2.5,
  current: 0.5,
  fallback: 0.2,
  decay: DEFAULT_DECAY,
  fullWeightLetters: FULL_WEIGHT_LETTERS,
};

export interface LanguageInput {
  /** The detector's scores for this message (see `LanguageDetector.detect`). */
  detection: MessageScores;
  /** The served language this message explicitly asks for (see `LanguageRequestMatcher`). */
  requested?: string | undefined;
  /** The one language a known phrase of the message belongs to: a greeting or thanks from the small-talk table. */
  phraseLanguage?: string | undefined;
  /** The conversation so far; undefined for a new conversation. */
  previous?: { language: string; evidence: unknown } | undefined;
  hints?: ChannelHints | undefined;
  /** The customer's E.164 number on SMS/WhatsApp: its calling code gives the country when no hint does. */
  phoneNumber?: string | undefined;
  supported: readonly string[];
  defaultLanguage: string;
  tuning?: Partial<LanguageTuning>;
}

export interface LanguageVerdict {
  language: string;
  /**
   * Which evidence decided, strongest first, for staff: e.g. "messages(3), country LV"; "letters" or "script"
   * when those overruled what the rest of the evidence said.
   */
  reason: string;
  /** To store with the conversation and pass back as `previous.evidence` next time. */
  evidence: LanguageEvidenceState;
}

/** "pt-BR" → "pt", "no"/"nn" → "nb", "zh-Hant-TW" → "zh". */
export function primaryLanguage(tag: string): string {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return primary === 'no' || primary === 'nn' ? 'nb' : primary;
}

/**
 * The languages a deployment serves: LANGUAGES when set (each must have a locale), else every locale. Throws a
 * {@link ConfigError} naming the variable when a language has no locale or DEFAULT_LANGUAGE is not served.
 */
export function servedLanguages(options: { configured: readonly string[] | undefined; locales: readonly string[]; defaultLanguage: string }): string[] {
  const { configured, locales, defaultLanguage } = options;
  const missing = (configured ?? []).filter((l) => !locales.includes(l));
  if (missing.length > 0) {
    throw new ConfigError(`LANGUAGES lists ${missing.join(', ')} without locales/<code>/translation.json: remove them or add the locale (available: ${locales.join(', ')})`);
  }
  const served = configured ? [...configured] : [...locales];
  if (!served.includes(defaultLanguage)) {
    throw new ConfigError(`DEFAULT_LANGUAGE=${defaultLanguage} is not served: set it to one of ${served.join(', ')}, or add it to LANGUAGES`);
  }
  return served;
}

type Source = 'confirmed' | 'messages' | 'phrase' | 'locale' | 'country' | 'current' | 'default';

/** A decisive message counts at least this much in the evidence it leaves, however short ("ї"). */
const DECISIVE_MIN_WEIGHT = 0.5;

export function resolveLanguage(input: LanguageInput): LanguageVerdict {
  const tuning = { ...DEFAULT_TUNING, ...input.tuning };
  const supported = [...new Set(input.supported)];
  const served = new Set(supported);
  let evidence = parseLanguageEvidence(input.previous?.evidence);

  if (input.requested && served.has(input.requested)) {
    // The request's own wording ("do you speak Latvian?") is not evidence for the language it is written in.
    return { language: input.requested, reason: 'request', evidence: { ...evidence, confirmed: input.requested } };
  }

  const { detection } = input;
  const weight = messageWeight(detection.letters, tuning.fullWeightLetters);
  const shared = detection.shared?.filter((l) => served.has(l));
  if (shared && shared.length > 0 && input.previous) {
    // "hallo" says nothing about which of its languages: the conversation goes on in the one it is in.
    return { language: input.previous.language, reason: 'current', evidence };
  }
  // A script or letter only one language writes decides, unless the customer asked for a language.
  const decisive = detection.decisive && served.has(detection.decisive.language) && !(evidence.confirmed && served.has(evidence.confirmed)) ? detection.decisive : undefined;

  const contributions = new Map<Source, Record<string, number>>();
  if (shared && shared.length > 0) {
    // A new conversation: the phrase's readings compete on the channel's hints; not evidence to keep.
    contributions.set('phrase', { ...detection.scores });
  } else {
    const detected = { scores: detection.scores, weight: decisive ? Math.max(weight, DECISIVE_MIN_WEIGHT) : weight };
    const phrase = input.phraseLanguage && served.has(input.phraseLanguage) ? input.phraseLanguage : undefined;
    evidence = addSample(evidence, phrase ? withPhraseLanguage(detected, phrase) : detected);
    contributions.set('messages', decayedTotals(evidence.recent, supported, tuning.decay));
  }
  const add = (source: Source, language: string | undefined, amount: number) => {
    if (!language || !served.has(language) || amount === 0) return;
    const bySource = contributions.get(source) ?? {};
    bySource[language] = (bySource[language] ?? 0) + amount;
    contributions.set(source, bySource);
  };
  add('confirmed', evidence.confirmed, tuning.confirmed);
  const locale = input.hints?.locale;
  add('locale', locale ? primaryLanguage(locale) : undefined, tuning.locale);
  const country = input.hints?.country ?? (input.phoneNumber ? countryOfPhoneNumber(input.phoneNumber) : undefined);
  for (const [language, share] of Object.entries(country ? countryLanguages(country) : {})) {
    add('country', language, tuning.country * share);
  }
  add('current', input.previous?.language, tuning.current);
  add('default', input.defaultLanguage, tuning.fallback);

  const total = (language: string) => [...contributions.values()].reduce((sum, c) => sum + (c[language] ?? 0), 0);
  const ranked = (shared && shared.length > 0 ? shared : supported).map((language) => ({ language, score: total(language) })).sort((a, b) => b.score - a.score);
  const best = ranked[0]?.language ?? input.defaultLanguage;
  // Where the totals already agree, they explain the verdict; where they do not, the script or letter overrules them.
  if (decisive && decisive.language !== best) return { language: decisive.language, reason: decisive.by, evidence };
  const runnerUp = ranked[1]?.language;
  return { language: best, reason: explain(contributions, best, runnerUp, { locale, country, samples: evidence.recent.length }), evidence };
}

/** The sources that favour the winner over the runner-up, strongest first. */
function explain(
  contributions: Map<Source, Record<string, number>>,
  best: string,
  runnerUp: string | undefined,
  details: { locale: string | undefined; country: string | undefined; samples: number },
): string {
  const parts = [...contributions]
    .map(([source, c]) => ({ source, margin: (c[best] ?? 0) - (runnerUp === undefined ? 0 : (c[runnerUp] ?? 0)) }))
    .filter((p) => p.margin > 0.05)
    .sort((a, b) => b.margin - a.margin)
    .map(({ source }) => {
      if (source === 'messages') return `messages(${details.samples})`;
      if (source === 'locale') return `locale ${details.locale}`;
      if (source === 'country') return `country ${details.country?.toUpperCase()}`;
      return source;
    });
  return parts.length > 0 ? parts.join(', ') : 'default';
}
