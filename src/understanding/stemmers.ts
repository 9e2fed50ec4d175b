/**
 * Snowball-family stemmers per served language (@orama/stemmers), so "shipping", "shipped" and "ships" meet
 * in one feature. Czech, Polish, Latvian and Estonian have none there: their words are cut to their first
 * letters instead (truncation stemming, which in retrieval studies does about as well as a rule stemmer for
 * richly inflected languages), so "zamknąć" and "zamknięcie" meet. Chinese and Japanese are written without
 * spaces and have no stemmer; their character n-grams carry them.
 */
import { stemmer as arabic } from '@orama/stemmers/arabic';
import { stemmer as danish } from '@orama/stemmers/danish';
import { stemmer as dutch } from '@orama/stemmers/dutch';
import { stemmer as english } from '@orama/stemmers/english';
import { stemmer as finnish } from '@orama/stemmers/finnish';
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as hindi } from '@orama/stemmers/indian';
import { stemmer as italian } from '@orama/stemmers/italian';
import { stemmer as lithuanian } from '@orama/stemmers/lithuanian';
import { stemmer as norwegian } from '@orama/stemmers/norwegian';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';
import { stemmer as romanian } from '@orama/stemmers/romanian';
import { stemmer as russian } from '@orama/stemmers/russian';
import { stemmer as spanish } from '@orama/stemmers/spanish';
import { stemmer as swedish } from '@orama/stemmers/swedish';
import { stemmer as turkish } from '@orama/stemmers/turkish';
import { stemmer as ukrainian } from '@orama/stemmers/ukrainian';

export type Stemmer = (word: string) => string;

/** Letters a truncation stem keeps: enough to tell most roots apart, few enough to cover their endings. */
const TRUNCATED_STEM = 5;

const truncate: Stemmer = (word) => word.slice(0, TRUNCATED_STEM);

const STEMMERS: Readonly<Record<string, Stemmer>> = {
  ar: arabic, da: danish, nl: dutch, en: english, fi: finnish, fr: french, de: german, hi: hindi, it: italian,
  lt: lithuanian, nb: norwegian, pt: portuguese, ro: romanian, ru: russian, es: spanish, sv: swedish, tr: turkish,
  uk: ukrainian, cs: truncate, pl: truncate, lv: truncate, et: truncate,
};

/**
 * Whether `language`'s words are cut rather than stemmed: a cut does not look at the ending, so "välja" (out) and
 * "väljavõte" (a bank statement) share one; callers that match words by stem compare their lengths too.
 */
export function isTruncationStemmed(language: string): boolean {
  return STEMMERS[language] === truncate;
}

/** The stemmer of a language (ISO 639-1), or undefined where none exists. */
export function stemmerFor(language: string): Stemmer | undefined {
  return STEMMERS[language];
}
