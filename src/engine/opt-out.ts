/**
 * Opt-out compliance for text channels (SMS, WhatsApp), handled by us rather than left to the carrier: a
 * keyword alone in a message opts the customer out with one confirmation, opts back in, or asks for help.
 * An opted-out customer is never answered, except to confirm opting back in. Pure and data-driven.
 * Keywords follow Twilio's defaults and the CTIA handbook (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT,
 * REVOKE, OPTOUT; START, YES, UNSTOP; HELP, INFO), plus their usual equivalents in our languages.
 * See https://help.twilio.com/articles/223134027
 */
import { capabilitiesOf } from '../channel-capabilities.js';
import type { Channel } from '../model.js';

export type ComplianceCommand = 'stop' | 'start' | 'help';

/** Keywords carriers honour in any language; they say nothing about the customer's language. */
const UNIVERSAL: Readonly<Record<ComplianceCommand, readonly string[]>> = {
  stop: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT', 'STOP ALL'],
  start: ['START', 'YES', 'UNSTOP'],
  help: ['HELP', 'INFO'],
};

/** Per-language equivalents; a keyword found in exactly one language also tells us the reply's language. */
const BY_LANGUAGE: Readonly<Record<string, Readonly<Record<ComplianceCommand, readonly string[]>>>> = {
  lv: {
    stop: ['ATTEIKTIES', 'ATRAKSTĪTIES', 'ATRAKSTITIES', 'PĀRTRAUKT', 'PARTRAUKT', 'BEIGT', 'STĀT', 'STAT'],
    start: ['SĀKT', 'SAKT', 'ATSĀKT', 'ATSAKT', 'JĀ', 'JA'],
    help: ['PALĪDZĪBA', 'PALIDZIBA', 'PALĪGĀ', 'PALIGA'],
  },
  es: {
    stop: ['BAJA', 'PARAR', 'DETENER', 'CANCELAR', 'ALTO', 'FIN'],
    start: ['ALTA', 'COMENZAR', 'INICIAR', 'SÍ', 'SI'],
    help: ['AYUDA'],
  },
  de: {
    stop: ['STOPP', 'ABMELDEN', 'BEENDEN', 'ENDE', 'KÜNDIGEN', 'KUENDIGEN'],
    start: ['STARTEN', 'ANMELDEN', 'JA'],
    help: ['HILFE'],
  },
  fr: {
    stop: ['ARRET', 'ARRÊT', 'ARRETER', 'ARRÊTER', 'DESABONNER', 'DÉSABONNER', 'DESINSCRIRE', 'DÉSINSCRIRE', 'FIN'],
    start: ['DEMARRER', 'DÉMARRER', 'OUI', 'REPRENDRE'],
    help: ['AIDE'],
  },
};

/** The longest message still read as a keyword ("  STOP!!! " and the like); keywords themselves have ≤ 20 characters. */
const MAX_KEYWORD_MESSAGE = 200;


export interface OptOutKeyword {
  command: ComplianceCommand;
  /** The language the keyword belongs to, when it belongs to exactly one. */
  language?: string;
}

/** Punctuation, symbols and spaces, which may surround a keyword ("STOP!", "«stop»"). */
const SURROUNDING = /[\p{P}\p{S}\s]/u;

const LEADING = /^[\p{P}\p{S}\s]*/u;

/**
 * `text` without surrounding punctuation and spaces. The end is walked back one character at a time, not matched
 * with `/[…]+$/`: that pattern retries from every character of a long run of punctuation inside the text and
 * takes quadratic time.
 */
function withoutSurrounding(text: string): string {
  const start = LEADING.exec(text)?.[0].length ?? 0;
  let end = text.length;
  while (end > start) {
    // The last character, whole: a symbol outside the BMP (an emoji) is two UTF-16 units.
    const last = end - start >= 2 && (text.codePointAt(end - 2) ?? 0) > 0xffff ? text.slice(end - 2, end) : text.slice(end - 1, end);
    if (!SURROUNDING.test(last)) break;
    end -= last.length;
  }
  return text.slice(start, end);
}

/** The message reduced to a possible keyword: upper case, single spaces, no surrounding punctuation. */
function normalize(text: string): string {
  return withoutSurrounding(text.normalize('NFC'))
    .replace(/\s+/g, ' ')
    .toLocaleUpperCase('en');
}

/** The compliance keyword a message consists of, if it is nothing but one (case and punctuation aside). */
export function detectOptOutKeyword(text: string): OptOutKeyword | undefined {
  // A keyword is one short word: a long message is not one, however much of it is punctuation around a word.
  if (text.length > MAX_KEYWORD_MESSAGE) return undefined;
  const word = normalize(text);
  if (!word || word.length > 20) return undefined;
  for (const [command, words] of Object.entries(UNIVERSAL) as [ComplianceCommand, readonly string[]][]) {
    if (words.includes(word)) return { command };
  }
  const hits: { command: ComplianceCommand; language: string }[] = [];
  for (const [language, commands] of Object.entries(BY_LANGUAGE)) {
    for (const [command, words] of Object.entries(commands) as [ComplianceCommand, readonly string[]][]) {
      if (words.includes(word)) hits.push({ command, language });
    }
  }
  const [first] = hits;
  if (!first || hits.some((h) => h.command !== first.command)) return undefined;
  // "JA" is German and (unaccented) Latvian: the command is clear, the language is not.
  return hits.length === 1 ? first : { command: first.command };
}

export type ComplianceAction = 'opt_out' | 'opt_in' | 'help' | 'silence';

export interface ComplianceDecision {
  action: ComplianceAction;
  /** Locale key of the single reply; none for `silence`. */
  replyKey?: 'optOutConfirmation' | 'optInConfirmation' | 'optOutHelp';
  /** The customer's opted-out state after this message. */
  optedOut: boolean;
  /** The keyword's own language, when it names one; otherwise the conversation's language is used. */
  language?: string;
}

export interface ComplianceInput {
  channel: Channel;
  text: string;
  optedOut: boolean;
}

/**
 * What compliance requires for this message, or undefined when the dialogue should answer it as usual.
 * A "yes" from a subscribed customer is an ordinary answer, not an opt-in; STOP from an opted-out customer
 * gets no second confirmation.
 */
export function decideCompliance(input: ComplianceInput): ComplianceDecision | undefined {
  if (!capabilitiesOf(input.channel).complianceKeywords) {
    return input.optedOut ? { action: 'silence', optedOut: true } : undefined;
  }
  const keyword = detectOptOutKeyword(input.text);
  const language = keyword?.language ? { language: keyword.language } : {};
  if (input.optedOut) {
    if (keyword?.command === 'start') return { action: 'opt_in', replyKey: 'optInConfirmation', optedOut: false, ...language };
    return { action: 'silence', optedOut: true };
  }
  if (keyword?.command === 'stop') return { action: 'opt_out', replyKey: 'optOutConfirmation', optedOut: true, ...language };
  if (keyword?.command === 'help') return { action: 'help', replyKey: 'optOutHelp', optedOut: false, ...language };
  return undefined;
}
