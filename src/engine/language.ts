/**
 * The conversation's language after one more message. Explicit channel hints start a conversation; the
 * message's own evidence moves it only when it is clear. Pure: the caller supplies the evidence.
 */
import type { ChannelHints } from '../model.js';

export interface LanguageEvidence {
  /** The conversation's current language, or undefined for a new conversation. */
  current: string | undefined;
  hints: ChannelHints | undefined;
  /** A language the message itself points at (a known phrase, a knowledge-base question it matched). */
  messageLanguage: string | undefined;
  supported: readonly string[];
  defaultLanguage: string;
}

export interface LanguageVerdict {
  language: string;
  reason: string;
}

function primarySubtag(locale: string | undefined): string | undefined {
  return locale?.toLowerCase().split(/[-_]/)[0];
}

export function resolveLanguage(evidence: LanguageEvidence): LanguageVerdict {
  const supported = new Set(evidence.supported);
  if (evidence.messageLanguage && supported.has(evidence.messageLanguage)) {
    return { language: evidence.messageLanguage, reason: 'message' };
  }
  if (evidence.current) return { language: evidence.current, reason: 'conversation' };
  const hinted = primarySubtag(evidence.hints?.locale);
  if (hinted && supported.has(hinted)) return { language: hinted, reason: `hint:locale=${evidence.hints?.locale}` };
  return { language: evidence.defaultLanguage, reason: 'default' };
}
