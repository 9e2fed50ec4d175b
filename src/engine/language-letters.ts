/**
 * Script and letter evidence, derived once at start from the served languages' own texts rather than from a
 * table typed from memory: a script only one served language writes decides the language (kana → ja,
 * Arabic → ar, hangul → ko when served), and a letter only some languages of its script use ("і" in Cyrillic,
 * "ł" or "ß" in Latin) rules the others out strongly.
 *
 * The texts are each language's locales/<lng>/translation.json plus the calendar and unit words ICU ships for
 * it (months, weekdays, "yesterday", "3 kilometres"): a few kilobytes of system texts alone miss common letters
 * by chance (the Russian file has no "ц", the French one no "ç"), and a missing letter would make another
 * language's letter look exclusive. Country, currency and language names are left out: they carry foreign
 * spellings ("São Tomé", "bokmål") into every language.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../paths.js';

/** Scripts we tell apart; any other letter counts for no script. */
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Devanagari', 'Bengali', 'Tamil', 'Thai', 'Hangul', 'Hiragana', 'Katakana', 'Han'] as const;
export type Script = (typeof SCRIPTS)[number];
const SCRIPT_PATTERNS: readonly (readonly [Script, RegExp])[] = SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')]);

const NON_ASCII = /[^\p{ASCII}]/u;

/** A script counts as a language's own when it carries this share of the letters of its texts (not "SMS" in Russian). */
const OWN_SCRIPT_SHARE = 0.1;
/**
 * Han is written with thousands of characters: which ones a few hundred characters of text happen to use says
 * nothing about a language, so Han is judged as a script (zh/ja pair logic, see language-pairs.ts), not by letter.
 */
const LOGOGRAPHIC: ReadonlySet<Script> = new Set(['Han']);
/**
 * "A few" languages: a letter more of a script's languages use ("é", "ä") tells little, and is the likeliest to
 * be missing from some other language's few kilobytes of text by chance (Italian "perché").
 */
export const MAX_LETTER_USERS = 3;
/** Scripts where one character carries about as much as three letters ("iPhone 怎么退货" is Chinese). */
const DENSE: ReadonlySet<Script> = new Set(['Han', 'Hiragana', 'Katakana', 'Hangul']);

/** Characters seen so far and their script: most text uses a few dozen letters. Bounded so odd input cannot grow it. */
const scriptCache = new Map<string, Script | null>();
const MAX_CACHED = 20_000;

/** The script of one letter, or undefined for anything else (digits, emoji, punctuation, unlisted scripts). */
export function scriptOf(char: string): Script | undefined {
  const code = char.charCodeAt(0);
  if (code < 0x80) return (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a ? 'Latin' : undefined;
  const cached = scriptCache.get(char);
  if (cached !== undefined) return cached ?? undefined;
  const script = SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(char))?.[0];
  if (scriptCache.size < MAX_CACHED) scriptCache.set(char, script ?? null);
  return script;
}

/**
 * Lowercase NFC, with Romanian "ţ" (cedilla, as many keyboards still type it) read as "ț" (comma): no other
 * language writes either. "ş" stays apart from "ș": it is also a Turkish letter.
 */
export function foldLetters(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/ţ/g, 'ț');
}

/** Which served languages write which script, and the letters that only some of a script's languages use. */
export interface LetterTable {
  /** Script → the served languages whose texts are written in it, in served order. */
  readonly scripts: ReadonlyMap<Script, readonly string[]>;
  /**
   * Letter (folded) → the served languages that use it, when that is a few ({@link MAX_LETTER_USERS}) but not
   * all of its script's languages. Basic Latin a–z never: brand names, links and loanwords put them in every
   * language's messages.
   */
  readonly letters: ReadonlyMap<string, readonly string[]>;
}

/** Derives the table from each served language's texts (see {@link languageTexts}). */
export function deriveLetterTable(texts: Readonly<Record<string, string>>): LetterTable {
  const scripts = new Map<Script, string[]>();
  const usersOf = new Map<string, Set<string>>();
  for (const [language, text] of Object.entries(texts)) {
    const letters = [...foldLetters(text)].map((char) => [char, scriptOf(char)] as const).filter((e): e is readonly [string, Script] => e[1] !== undefined);
    const perScript = new Map<Script, number>();
    for (const [, script] of letters) perScript.set(script, (perScript.get(script) ?? 0) + 1);
    const own = new Set([...perScript].filter(([, n]) => n >= OWN_SCRIPT_SHARE * letters.length).map(([script]) => script));
    for (const script of own) scripts.set(script, [...(scripts.get(script) ?? []), language]);
    for (const [char, script] of letters) {
      if (!own.has(script) || LOGOGRAPHIC.has(script) || char.charCodeAt(0) < 0x80) continue;
      usersOf.set(char, (usersOf.get(char) ?? new Set()).add(language));
    }
  }
  const letters = new Map<string, readonly string[]>();
  for (const [char, users] of usersOf) {
    const script = scriptOf(char);
    const writers = script ? (scripts.get(script) ?? []) : [];
    if (users.size < writers.length && users.size <= MAX_LETTER_USERS) letters.set(char, writers.filter((l) => users.has(l)));
  }
  return { scripts, letters };
}

const translationSchema: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.array(translationSchema), z.record(z.string(), translationSchema)]));

/** Every string of a parsed translation file, nested groups included. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}

const UNITS = ['centimeter', 'day', 'hour', 'kilogram', 'kilometer', 'liter', 'meter', 'minute', 'month', 'second', 'week', 'year', 'gram', 'percent'] as const;
const FIELDS = ['era', 'year', 'quarter', 'month', 'weekOfYear', 'weekday', 'day', 'dayPeriod', 'hour', 'minute', 'second', 'timeZoneName'] as const;

/**
 * Native words ICU knows for a language: month and weekday names, relative times, date fields, units, its own
 * name. Each formatter is made once per language: making one costs far more than formatting with it.
 */
function calendarWords(language: string): string {
  const words: string[] = [];
  const dayOfMonth = new Intl.DateTimeFormat(language, { month: 'long', day: 'numeric', timeZone: 'UTC' });
  const monthName = new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' });
  for (let month = 0; month < 12; month += 1) {
    const date = new Date(Date.UTC(2024, month, 15));
    words.push(dayOfMonth.format(date), monthName.format(date));
  }
  const weekday = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' });
  for (let day = 1; day <= 7; day += 1) words.push(weekday.format(new Date(Date.UTC(2024, 0, day))));
  const relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  for (const unit of ['year', 'month', 'week', 'day', 'hour', 'minute'] as const) for (const n of [-2, -1, 0, 1, 2, 5]) words.push(relative.format(n, unit));
  const fields = new Intl.DisplayNames([language], { type: 'dateTimeField' });
  for (const field of FIELDS) words.push(fields.of(field) ?? '');
  for (const unit of UNITS) {
    const format = new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' });
    for (const n of [1, 2, 5]) words.push(format.format(n));
  }
  words.push(new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? '');
  return words.join(' ');
}

/** A language's own texts: its translation file (without {{placeholders}}) and its ICU calendar and unit words. */
export function languageTexts(languages: readonly string[], localesDir = projectPath('locales')): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const language of languages) {
    const file = `${localesDir}/${language}/translation.json`;
    const translation = existsSync(file) ? stringsOf(translationSchema.parse(JSON.parse(readFileSync(file, 'utf8')))).join(' ') : '';
    texts[language] = `${translation.replace(/\{\{[^}]*\}\}/g, ' ')} ${calendarWords(language)}`;
  }
  return texts;
}

/** What a message's script and letters say. */
export interface LetterEvidence {
  /** The script most of its letters are in (Han, kana and hangul count three); undefined when it has none we know. */
  script: Script | undefined;
  /**
   * The served languages that write that script and every other non-Latin script the message uses (Han with
   * kana: Japanese). Empty when no served language does.
   */
  languages: readonly string[];
  /** Per language of `languages`: the words with distinctive letters it cannot have written (missing: none). */
  misses: Readonly<Record<string, number>>;
  /** Words whose distinctive letters were judged. */
  judged: number;
}

/**
 * The script and distinctive-letter evidence of language-bearing text (see `languageBearingText`). A word's
 * distinctive letters must all belong to one language for it to be counted for that language, so "Müller" is
 * German, Estonian or Turkish, never Swedish. Capitalized words after the first are skipped: they are mostly
 * names ("José", "Łódź") in a sentence of another language.
 */
export function letterEvidence(text: string, table: LetterTable): LetterEvidence {
  // Basic Latin only, the commonest case: no distinctive letter, nothing to count.
  if (!NON_ASCII.test(text)) {
    const languages = table.scripts.get('Latin') ?? [];
    return { script: /[a-z]/i.test(text) ? 'Latin' : undefined, languages, misses: {}, judged: 0 };
  }
  const counts = new Map<Script, number>();
  for (const char of text) {
    const script = scriptOf(char);
    if (script) counts.set(script, (counts.get(script) ?? 0) + (DENSE.has(script) ? 3 : 1));
  }
  let script: Script | undefined;
  for (const [s, n] of counts) if (script === undefined || n > (counts.get(script) ?? 0)) script = s;
  if (script === undefined) return { script, languages: [], misses: {}, judged: 0 };

  let languages = table.scripts.get(script) ?? [];
  for (const other of counts.keys()) {
    if (other === script || other === 'Latin') continue;
    const narrowed = languages.filter((l) => table.scripts.get(other)?.includes(l));
    if (narrowed.length > 0) languages = narrowed;
  }
  const misses: Record<string, number> = Object.fromEntries(languages.map((l) => [l, 0]));
  let judged = 0;
  if (languages.length > 1) {
    text.split(' ').forEach((word, index) => {
      if (index > 0 && word !== word.toLowerCase()) return;
      let support: readonly string[] | undefined;
      for (const char of foldLetters(word)) {
        const users = table.letters.get(char);
        if (users) support = (support ?? languages).filter((l) => users.includes(l));
      }
      if (support === undefined || support.length === 0) return;
      judged += 1;
      for (const language of languages) if (!support.includes(language)) misses[language] = (misses[language] ?? 0) + 1;
    });
  }
  return { script, languages, misses, judged };
}
