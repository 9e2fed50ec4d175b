/**
 * The world's country names in every lexicon language, from the ICU data Node ships (Intl.DisplayNames), as
 * lexicon rows under one concept, so "do you ship to Japan?" meets a variant that names another country ("do you
 * deliver to Germany?"). Not also "abroad": off-topic messages naming the home country were then answered.
 */
import { normalizeText } from '../engine/text-normalize.js';

/** Region codes that are not one country (the EU, the UN, unknown, ICU's pseudo-regions). */
const NOT_A_COUNTRY = /^(EU|EZ|UN|QO|ZZ|XA|XB)$/;

/** Names this short are read as other words too often ("UK" is also Ukrainian's code, "US" a pronoun). */
const MIN_NAME_LETTERS = 3;

const COUNTRY_CONCEPT = 'country';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Every ISO 3166-1 alpha-2 code ICU names. */
function regionCodes(): string[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes: string[] = [];
  for (const first of LETTERS) {
    for (const second of LETTERS) {
      const code = first + second;
      if (!NOT_A_COUNTRY.test(code) && names.of(code) !== undefined) codes.push(code);
    }
  }
  return codes;
}

interface LexiconRow {
  concept: string;
  language: string;
  terms: readonly string[];
}

/**
 * Lexicon rows naming every country in each language of `lexicon` (long and short forms: "Bosnia & Herzegovina"
 * and "Bosnia"), under {@link COUNTRY_CONCEPT} — except names the lexicon already gives another meaning in that
 * language: Finnish "peru" (cancel), Polish "dania" (dishes), Latvian "latvija" (domestic), Spanish "bermudas".
 */
export function countryNameRows(lexicon: readonly LexiconRow[]): LexiconRow[] {
  const otherMeaning = new Set<string>();
  for (const { concept, language, terms } of lexicon) {
    if (concept !== COUNTRY_CONCEPT) for (const term of terms) otherMeaning.add(`${language}:${normalizeText(term)}`);
  }
  const codes = regionCodes();
  return [...new Set(lexicon.map((row) => row.language))].flatMap((language) => {
    const styles = (['long', 'short'] as const).map((style) => new Intl.DisplayNames([language], { type: 'region', style, fallback: 'none' }));
    const terms = new Set<string>();
    for (const code of codes) {
      for (const names of styles) {
        const name = names.of(code);
        if (name !== undefined && [...name].length >= MIN_NAME_LETTERS && !otherMeaning.has(`${language}:${normalizeText(name)}`)) terms.add(name);
      }
    }
    return { concept: COUNTRY_CONCEPT, language, terms: [...terms] };
  });
}
