/**
 * Support-domain synonyms across languages (data/knowledge/synonyms.tsv: concept, language, `|`-separated
 * terms): "price", "cost", "how much", "Preis", "cuánto cuesta" all add the feature of one concept, so a
 * paraphrase the knowledge base never listed still lands on the entry whose variants use another term.
 * Terms match as folded word sequences, and also by the stems of their words in the text's language, in any
 * order and a few words apart ("sulgeda konto" in "kuidas ma saan oma konto sulgeda"): customers inflect and
 * reorder the words a lexicon lists.
 */
import { projectPath } from '../paths.js';
import { normalizeText, words } from '../engine/text-normalize.js';
import { countryNameRows } from './country-names.js';
import { readTsv } from './labelled-rows.js';
import { isTruncationStemmed, stemmerFor } from './stemmers.js';

export const SYNONYMS_PATH = projectPath('data', 'knowledge', 'synonyms.tsv');

const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Longest term, in words, worth looking for. */
const MAX_TERM_WORDS = 4;

/**
 * Languages that write compounds as one word ("reiseforsikring", "Reisekrankenversicherung", "matkavakuutus"):
 * a word there is also looked up by its first and last parts, so the lexicon's "reise" and "forsikring" are found.
 */
const COMPOUNDING = new Set(['da', 'de', 'et', 'fi', 'nb', 'nl', 'sv']);
/** The shortest part of a compound worth looking up: shorter ones are too often the start of unrelated words. */
const MIN_COMPOUND_PART = 4;

/** Remembered word stems (see stemKey) before the memory is emptied. */
const STEM_CACHE_SIZE = 100_000;

/**
 * A term listed in at least this many languages is an international word ("wifi", "app", "internet"): it counts
 * in a message of any language. Any other term counts only in the languages that list it, or where the message's
 * language is unknown — else Romanian "cât" (how much) is an English "cat" and Spanish "como" an Italian chest of drawers.
 */
const INTERNATIONAL_LANGUAGES = 3;

/**
 * Where words are cut to a stem (isTruncationStemmed), a word and a one-word term of the same cut match only if
 * their lengths differ by at most this: an inflection, not another word that starts alike.
 */
const TRUNCATED_LENGTH_SLACK = 3;

/** A stem shorter than this is too often another word's too (Spanish "para" and "pared" in "par"): such words match only as written. */
const MIN_STEM = 4;

/** How many other words may stand between the words of a term matched by stems. */
const TERM_GAP = 2;

/** A term of several words, by the stems of its words; `order`, its place in the lexicon. */
interface StemmedTerm {
  stems: readonly string[];
  concept: string;
  order: number;
}

/** A concept a folded phrase names, with the languages that list the phrase under it. */
interface PhraseSense {
  concept: string;
  languages: readonly string[];
}

/** A concept a one-word term names by its stem, with the lengths of the terms (see TRUNCATED_LENGTH_SLACK). */
interface StemSense {
  concept: string;
  lengths: number[];
}

/** The list under `key`, created when new. */
function listAt<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/** The sense of `concept` among `senses`, or undefined. */
function senseFor<T extends { concept: string }>(senses: readonly T[], concept: string): T | undefined {
  for (const sense of senses) if (sense.concept === concept) return sense;
  return undefined;
}

/**
 * Lists of languages, shared: nearly every term is listed in one language, so one array per language serves
 * them all (a list per term and concept would be some 400k more objects to build at every start); a list that
 * grows is copied.
 */
function languageLists(): (list: readonly string[] | undefined, language: string) => readonly string[] {
  const single = new Map<string, readonly string[]>();
  return (list, language) => {
    if (list !== undefined) return list.includes(language) ? list : [...list, language];
    let one = single.get(language);
    if (one === undefined) {
      one = [language];
      single.set(language, one);
    }
    return one;
  };
}

/**
 * A language's stem keys (`language:stem`) of words, each word stemmed once: the lexicon's terms repeat their
 * words (364k word stems, 177k distinct), and stemming is the larger part of building it.
 */
function memoizedStemKeys(language: string, stem: (word: string) => string): (word: string) => string {
  const keys = new Map<string, string>();
  return (word) => {
    let key = keys.get(word);
    if (key === undefined) {
      key = `${language}:${stem(word)}`;
      keys.set(word, key);
    }
    return key;
  };
}

export interface SynonymLexicon {
  /** The concepts named in already-folded words written in `language` (if known), each once. */
  concepts(folded: readonly string[], language: string | undefined): string[];
  /** Every language with terms. */
  readonly languages: readonly string[];
  /** How `concept` is said in `language`, as listed (most common first). */
  terms(concept: string, language: string): readonly string[];
  /** Every listed term, folded, with the languages that list it: which languages a support word belongs to. */
  readonly vocabulary: ReadonlyMap<string, readonly string[]>;
}

export function createSynonymLexicon(rows: readonly { concept: string; language: string; terms: readonly string[] }[]): SynonymLexicon {
  // Folded term → the concepts it names, with the languages listing it under each.
  const byPhrase = new Map<string, PhraseSense[]>();
  // The first words of terms of several words: only a message word among them can start one (saves building
  // every 2-, 3- and 4-word sequence of every message).
  const phraseStarts = new Set<string>();
  // One-word terms by stem key.
  const byStem = new Map<string, StemSense[]>();
  // Several-word terms, under the stem of their first word and then of their second (the other words are looked
  // for around the first): a message word's terms are picked by the stems near it instead of each being tried,
  // as a common first word ("how", "wie") starts hundreds of terms.
  const byFirstStems = new Map<string, Map<string, StemmedTerm[]>>();
  let stemmedTerms = 0;
  // Chinese and Japanese are written without spaces: a "word" there is a whole clause, so their terms are
  // looked for inside the text.
  const inside = new Map<string, { term: string; concept: string }[]>();
  const listed = new Map<string, readonly string[]>();
  const vocabulary = new Map<string, readonly string[]>();
  const withLanguage = languageLists();
  // Only while building: the stem keys of the terms' words per language (the messages' are in stemKeys below).
  const termStemKeys = new Map<string, (word: string) => string>();
  for (const { concept, language, terms } of rows) {
    listed.set(`${concept}\t${language}`, terms);
    const stem = stemmerFor(language);
    let keyOf = termStemKeys.get(language);
    if (stem && keyOf === undefined) {
      keyOf = memoizedStemKeys(language, stem);
      termStemKeys.set(language, keyOf);
    }
    for (const term of terms) {
      const folded = normalizeText(term);
      if (folded === '') continue;
      const known = vocabulary.get(folded);
      const languages = withLanguage(known, language);
      if (languages !== known) vocabulary.set(folded, languages);
      const space = folded.indexOf(' ');
      if (UNSPACED_SCRIPT.test(folded)) {
        // Under their first character: a message is searched at each of its characters for the terms starting there.
        listAt(inside, folded[0] ?? '').push({ term: folded, concept });
      } else {
        const senses = listAt(byPhrase, folded);
        const sense = senseFor(senses, concept);
        if (sense) sense.languages = withLanguage(sense.languages, language);
        else senses.push({ concept, languages: withLanguage(undefined, language) });
        if (space !== -1) phraseStarts.add(folded.slice(0, space));
      }
      if (!keyOf) continue;
      if (space === -1) {
        const senses = listAt(byStem, keyOf(folded));
        const sense = senseFor(senses, concept);
        if (sense) sense.lengths.push(folded.length);
        else senses.push({ concept, lengths: [folded.length] });
      } else {
        const termWords = words(folded);
        if (termWords.length > MAX_TERM_WORDS) continue;
        const stems = termWords.map(keyOf);
        let bySecond = byFirstStems.get(stems[0] ?? '');
        if (bySecond === undefined) {
          bySecond = new Map();
          byFirstStems.set(stems[0] ?? '', bySecond);
        }
        listAt(bySecond, stems[1] ?? '').push({ stems, concept, order: stemmedTerms });
        stemmedTerms += 1;
      }
    }
  }
  // Stems of the words messages and examples use, remembered: a knowledge base's training looks up thousands of
  // texts, and every cut of a compound is stemmed. Bounded, so hostile traffic cannot grow it without limit.
  const stemKeys = new Map<string, string>();
  const stemKey = (language: string, stem: (word: string) => string, word: string): string => {
    const cacheKey = `${language}:${word}`;
    let key = stemKeys.get(cacheKey);
    if (key === undefined) {
      if (stemKeys.size >= STEM_CACHE_SIZE) stemKeys.clear();
      key = `${language}:${stem(word)}`;
      stemKeys.set(cacheKey, key);
    }
    return key;
  };
  // The lookups below add to the caller's set instead of returning lists: a message's words, their cuts and their
  // phrases are looked up by the dozen per message, most of them finding nothing, and the garbage of a list or
  // generator per lookup was most of what reading a message allocated.
  /** Adds the concepts a word names by its stem in `language`. */
  const addStemConcepts = (found: Set<string>, word: string, key: string, language: string): void => {
    if (key.length - language.length - 1 < MIN_STEM) return;
    const senses = byStem.get(key);
    if (senses === undefined) return;
    const truncated = isTruncationStemmed(language);
    for (const { concept, lengths } of senses) {
      if (!truncated || lengths.some((length) => Math.abs(length - word.length) <= TRUNCATED_LENGTH_SLACK)) found.add(concept);
    }
  };
  /** Adds the concepts a folded phrase names in `language` (any language's when it is unknown). */
  const addPhraseConcepts = (found: Set<string>, phrase: string, language: string | undefined): void => {
    const senses = byPhrase.get(phrase);
    if (senses === undefined) return;
    for (const { concept, languages } of senses) {
      if (language === undefined || languages.includes(language) || languages.length >= INTERNATIONAL_LANGUAGES) found.add(concept);
    }
  };
  /** Adds the concepts a compound's first or last part names, as a word or by its stem. */
  const addCompoundParts = (found: Set<string>, word: string, language: string, stem: (word: string) => string): void => {
    for (let cut = MIN_COMPOUND_PART; cut <= word.length - MIN_COMPOUND_PART; cut += 1) {
      for (const part of [word.slice(0, cut), word.slice(cut)]) {
        addPhraseConcepts(found, part, language);
        addStemConcepts(found, part, stemKey(language, stem, part), language);
      }
    }
  };
  /**
   * Adds the concepts of the several-word terms whose first word is word i and whose other words stand near it (a
   * term of n words: within n + TERM_GAP words either side), in the order the terms are listed.
   */
  const addTermsStartingAt = (found: Set<string>, stems: readonly string[], i: number): void => {
    const bySecond = byFirstStems.get(stems[i] ?? '');
    if (bySecond === undefined) return;
    const matched: StemmedTerm[] = [];
    // Per term length, the stems its words may be among.
    const around: (readonly string[])[] = [];
    const widest = stems.slice(Math.max(0, i - MAX_TERM_WORDS - TERM_GAP), i + MAX_TERM_WORDS + TERM_GAP + 1);
    for (const second of new Set(widest)) {
      for (const term of bySecond.get(second) ?? []) {
        const n = term.stems.length;
        const near = (around[n] ??= stems.slice(Math.max(0, i - n - TERM_GAP), i + n + TERM_GAP + 1));
        if (term.stems.every((key) => near.includes(key))) matched.push(term);
      }
    }
    for (const term of matched.sort((a, b) => a.order - b.order)) found.add(term.concept);
  };
  return {
    languages: [...new Set(rows.map((row) => row.language))].sort(),
    vocabulary,
    terms: (concept, language) => listed.get(`${concept}\t${language}`) ?? [],
    concepts(folded, language) {
      const found = new Set<string>();
      const stem = language === undefined ? undefined : stemmerFor(language);
      const stems = stem ? folded.map((word) => stemKey(language ?? '', stem, word)) : [];
      for (let i = 0; i < folded.length; i += 1) {
        const before = found.size;
        addPhraseConcepts(found, folded[i] ?? '', language);
        if (phraseStarts.has(folded[i] ?? '')) {
          for (let n = 2; n <= MAX_TERM_WORDS && i + n <= folded.length; n += 1) addPhraseConcepts(found, folded.slice(i, i + n).join(' '), language);
        }
        if (language !== undefined) addStemConcepts(found, folded[i] ?? '', stems[i] ?? '', language);
        // A word the lexicon knows whole is not cut: "medlemskap" is a membership, not "medlem" and a cupboard.
        if (found.size === before && stem && language !== undefined && COMPOUNDING.has(language)) addCompoundParts(found, folded[i] ?? '', language, stem);
        addTermsStartingAt(found, stems, i);
      }
      if (inside.size > 0 && folded.some((word) => UNSPACED_SCRIPT.test(word))) {
        const text = folded.join(' ');
        for (let at = 0; at < text.length; at += 1) {
          for (const { term, concept } of inside.get(text[at] ?? '') ?? []) if (text.startsWith(term, at)) found.add(concept);
        }
      }
      return [...found];
    },
  };
}

/** A lexicon file (columns `concept`, `lang`, `terms`), with the names of the world's countries in its languages. */
export function loadSynonymLexicon(path = SYNONYMS_PATH): SynonymLexicon {
  const rows = readTsv(path).map((row) => ({ concept: row.concept ?? '', language: row.lang ?? '', terms: (row.terms ?? '').split('|') }));
  return createSynonymLexicon([...rows, ...countryNameRows(rows)]);
}

let shipped: SynonymLexicon | undefined;

/**
 * The shipped lexicon, read and stemmed once and shared (it is immutable): a knowledge base is rebuilt for every
 * language the model translates it into, and kb:check builds five.
 */
export function shippedSynonymLexicon(): SynonymLexicon {
  shipped ??= loadSynonymLexicon();
  return shipped;
}
