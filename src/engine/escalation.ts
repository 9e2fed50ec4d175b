/**
 * Escalation intents: does this customer message call for a person? A pure function over per-language
 * phrase data (escalation-phrases.ts). Every language's phrases are tried, not only the conversation's:
 * a customer writing "agent" or "operator" in a Latvian conversation still means it.
 */
import { normalizeText } from './text-normalize.js';
import { ESCALATION_PHRASES, type EscalationSignal, type LanguagePhrases } from './escalation-phrases.js';

export type { EscalationSignal, LanguagePhrases } from './escalation-phrases.js';

/** The escalation reasons the detector can give; the engine adds knowledge and repeated-miss reasons. */
export type DetectedEscalationReason =
  | 'asked_for_human'
  | 'frustration'
  | 'sensitive_bereavement'
  | 'sensitive_fraud'
  | 'sensitive_legal'
  | 'sensitive_self_harm';

export interface EscalationMatch {
  reason: DetectedEscalationReason;
  /** The language whose phrase matched. */
  language: string;
  /** The matched (folded) text, for logs. */
  matched: string;
}

const REASON_OF: Readonly<Record<EscalationSignal, DetectedEscalationReason>> = {
  asked_for_human: 'asked_for_human',
  frustration: 'frustration',
  bereavement: 'sensitive_bereavement',
  fraud: 'sensitive_fraud',
  legal_threat: 'sensitive_legal',
  self_harm: 'sensitive_self_harm',
};

/** Most urgent first: a message that is both angry and about self-harm is about self-harm. */
const PRIORITY: readonly EscalationSignal[] = ['self_harm', 'fraud', 'bereavement', 'legal_threat', 'asked_for_human', 'frustration'];

interface CompiledLanguage {
  language: string;
  signals: ReadonlyMap<EscalationSignal, RegExp>;
  alone: RegExp;
}

/** Folds a pattern source like customer text, but keeps regular-expression syntax intact. */
function foldPattern(source: string): string {
  // Same folds as normalizeText, applied to letters only (regex syntax is ASCII and survives).
  return source
    .split(/(\\[a-zA-Z])/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\p{L}+/gu, (word) => normalizeText(word) || word)))
    .join('')
    .replace(/\\w/g, '[\\p{L}\\p{N}]');
}

function compile(fragments: readonly string[], whole: boolean): RegExp {
  const body = fragments.map((f) => `(?:${foldPattern(f)})`).join('|');
  // Unicode-aware word boundaries: `\b` in JavaScript only knows ASCII letters.
  return whole ? new RegExp(`^(?:${body})$`, 'u') : new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, 'u');
}

/** Compiles phrase data once; keep the result on the detector instance. */
function compileAll(phrases: Readonly<Record<string, LanguagePhrases>>): CompiledLanguage[] {
  return Object.entries(phrases).map(([language, data]) => {
    const signals = new Map<EscalationSignal, RegExp>();
    for (const signal of PRIORITY) if (data[signal].length > 0) signals.set(signal, compile(data[signal], false));
    return { language, signals, alone: compile(data.alone, true) };
  });
}

export interface EscalationDetector {
  /** The escalation this message calls for, or undefined for an ordinary message. */
  detect(text: string, options?: { language?: string }): EscalationMatch | undefined;
  /** The languages with phrase data. */
  readonly languages: readonly string[];
}

/** Builds a detector over the given phrase data (default: the shipped per-language resources). */
export function createEscalationDetector(phrases: Readonly<Record<string, LanguagePhrases>> = ESCALATION_PHRASES): EscalationDetector {
  const compiled = compileAll(phrases);
  return {
    languages: compiled.map((c) => c.language),
    detect(text, options = {}) {
      const folded = normalizeText(text);
      if (folded === '') return undefined;
      // The conversation's language is tried first so the reported language is the likeliest one.
      const ordered = [...compiled].sort((a, b) => Number(b.language === options.language) - Number(a.language === options.language));
      for (const signal of PRIORITY) {
        for (const lang of ordered) {
          const found = lang.signals.get(signal)?.exec(folded);
          if (found) return { reason: REASON_OF[signal], language: lang.language, matched: found[0].trim() };
          if (signal === 'asked_for_human' && lang.alone.test(folded)) {
            return { reason: 'asked_for_human', language: lang.language, matched: folded };
          }
        }
      }
      return undefined;
    },
  };
}
