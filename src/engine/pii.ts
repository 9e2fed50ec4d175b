/**
 * Personal-data redaction for text that leaves for a language model: e-mail addresses, IBANs (mod-97
 * checked), payment card numbers (Luhn checked), national-ID-shaped numbers, phone numbers and other long
 * digit identifiers become placeholders such as `[EMAIL_1]`. A {@link PiiVault} remembers what each placeholder
 * stood for, so the model's answer to the same customer can carry their own data back, and the same value
 * always gets the same placeholder across a conversation's messages.
 */

/** What a placeholder stands for. */
export type PiiKind = 'EMAIL' | 'IBAN' | 'CARD' | 'ID' | 'PHONE';

/** One redacted value. */
export interface PiiFinding {
  kind: PiiKind;
  placeholder: string;
  value: string;
}

interface Detector {
  kind: PiiKind;
  pattern: RegExp;
  /**
   * The part of a candidate that really is this kind (a prefix, e.g. an IBAN without the word after it), or
   * undefined when none is (a 16-digit number failing Luhn).
   */
  accept?: (match: string) => string | undefined;
}

/** Placeholders as we write them; the model is told to copy them verbatim. */
export const PLACEHOLDER_PATTERN = /\[(EMAIL|IBAN|CARD|ID|PHONE)_(\d{1,4})\]/g;

const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** Luhn checksum, the check digit every payment card number carries. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, remainder mod 97 is 1. */
export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Dates and times look like short phone numbers; they are not personal data on their own. */
function looksLikeDate(text: string): boolean {
  return /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(text) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(text);
}

/**
 * Order matters: an IBAN contains digit runs a phone pattern would take, a card number is a long digit run,
 * and what is left of a long number after the specific checks is still an identifier worth hiding.
 */
const DETECTORS: readonly Detector[] = [
  // Starts only where a run of local-part characters starts (the lookbehind after the first character: no
  // character of that kind before it). Without that check a long run without an "@" (50 KB of letters) is
  // scanned again from each of its characters, quadratic time; checking the first character before the
  // lookbehind keeps text of other characters (emoji) fast.
  { kind: 'EMAIL', pattern: /[\p{L}\p{N}._%+-](?<![\p{L}\p{N}._%+-].)[\p{L}\p{N}._%+-]*@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu },
  {
    kind: 'IBAN',
    // Printed in groups of four, or without spaces; a group-shaped word after it is trimmed off by `accept`.
    pattern: /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,8}(?:[ -]?[A-Z0-9]{1,3})?\b|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b/gi,
    accept: (match) => {
      for (let candidate = match; candidate.length >= 15; candidate = candidate.replace(/[ -]?[A-Z0-9]+$/i, '')) {
        if (ibanValid(candidate)) return candidate;
        if (!/[ -]/.test(candidate)) return undefined;
      }
      return undefined;
    },
  },
  {
    kind: 'CARD',
    pattern: /(?<![\d+])\d(?:[ -]?\d){12,18}(?!\d)/g,
    accept: (match) => (luhnValid(digitsOf(match)) ? match : undefined),
  },
  // US SSN (123-45-6789) and the 6+5 personal codes of Latvia and similar (DDMMYY-NNNNN).
  { kind: 'ID', pattern: /(?<!\d)(?:\d{3}-\d{2}-\d{4}|\d{6}-\d{5})(?!\d)/g },
  {
    kind: 'PHONE',
    pattern: /(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{5,}\d(?![\d])/g,
    accept: (match) => {
      const digits = digitsOf(match).length;
      return digits >= 7 && digits <= 15 && !looksLikeDate(match) ? match : undefined;
    },
  },
  // Account, customer and document numbers: a long digit run nothing above claimed.
  { kind: 'ID', pattern: /(?<!\d)\d(?:[ -]?\d){7,}(?!\d)/g, accept: (match) => (looksLikeDate(match) ? undefined : match) },
];

/**
 * The candidate without the spaces, dots, dashes and brackets a pattern took after its last digit. A loop, not
 * `/[\s.(-]+$/`: that pattern retries from every separator of a long run and takes quadratic time.
 */
function withoutTrailingSeparators(match: string): string {
  let end = match.length;
  while (end > 0 && /[\s.(-]/.test(match.charAt(end - 1))) end -= 1;
  return match.slice(0, end);
}

/** "4111 1111 1111 1111" → "•••• 1111": enough for the customer to recognise, useless to anyone else. */
function maskValue(value: string): string {
  return `•••• ${value.replace(/[^\p{L}\p{N}]/gu, '').slice(-4)}`;
}

/**
 * The placeholders of one conversation. Holds the original values only in memory for one request: nothing
 * of it is stored or logged.
 */
export class PiiVault {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, PiiFinding>();
  private readonly counts = new Map<PiiKind, number>();

  /** Every value redacted so far, in order of first appearance. */
  get findings(): PiiFinding[] {
    return [...this.byPlaceholder.values()];
  }

  /** Replaces personal data in `text` with placeholders; the same value keeps its placeholder. */
  redact(text: string): string {
    let result = text;
    for (const detector of DETECTORS) {
      result = result.replace(detector.pattern, (match: string) => {
        // A detector earlier in the list already replaced part of this span.
        if (match.includes('[')) return match;
        const trimmed = withoutTrailingSeparators(match);
        const value = detector.accept ? detector.accept(trimmed) : trimmed;
        if (value === undefined) return match;
        return this.placeholderFor(detector.kind, value) + match.slice(value.length);
      });
    }
    return result;
  }

  /**
   * Puts the customer's own values back where the model used their placeholders; kinds in `masked` come
   * back as their last four characters only (a bot may confirm "card •••• 1111", never repeat the number).
   * `unknown` lists placeholder-shaped tokens the vault never issued: the model invented data, and the
   * caller should not send such an answer.
   */
  restore(text: string, options: { masked?: readonly PiiKind[] } = {}): { text: string; unknown: string[] } {
    const unknown: string[] = [];
    const restored = text.replace(PLACEHOLDER_PATTERN, (placeholder) => {
      const finding = this.byPlaceholder.get(placeholder);
      if (finding === undefined) unknown.push(placeholder);
      else if (options.masked?.includes(finding.kind)) return maskValue(finding.value);
      return finding?.value ?? placeholder;
    });
    return { text: restored, unknown };
  }

  private placeholderFor(kind: PiiKind, value: string): string {
    const key = `${kind}:${kind === 'EMAIL' ? value.toLowerCase() : value.replace(/[\s().-]/g, '').toUpperCase()}`;
    const existing = this.byValue.get(key);
    if (existing) return existing;
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const placeholder = `[${kind}_${n}]`;
    this.byValue.set(key, placeholder);
    this.byPlaceholder.set(placeholder, { kind, placeholder, value });
    return placeholder;
  }
}

/** Redacts one text with a fresh vault; see {@link PiiVault} to redact several texts consistently. */
export function redactPii(text: string): { text: string; vault: PiiVault } {
  const vault = new PiiVault();
  return { text: vault.redact(text), vault };
}
