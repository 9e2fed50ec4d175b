/**
 * Support words as language evidence for short messages: "estorno?" is Portuguese and "reembolso?" Spanish or
 * Portuguese, "glemt passord" Norwegian, "kur ir paka" Latvian, though each is too short for n-gram statistics
 * to tell apart from its neighbours. The words are the synonym lexicon's (data/knowledge/synonyms.tsv: about 1,740
 * support concepts written in each language), so every language we serve has its own, and a word several
 * languages write counts for each of them.
 */
import type { SynonymLexicon } from '../understanding/synonym-lexicon.js';
import { normalizeText, words } from './text-normalize.js';

/** The longest term worth looking for, in words. */
const MAX_TERM_WORDS = 3;
/** A word written the same in more languages than this ("app", "wifi", "stock") says nothing. */
const MAX_LANGUAGES_PER_WORD = 3;

/** Languages → how many of the text's support words (and phrases) each writes; empty when none is known. */
export type VocabularyVotes = ReadonlyMap<string, number>;

export interface LanguageVocabulary {
  votes(text: string): VocabularyVotes;
}

/**
 * The vocabulary of `lexicon` restricted to the served languages. A term's telling languages are found when a
 * text is read, from the lexicon's own table: a table of its own was 200k entries to build at every start
 * (tens of megabytes) for the few terms a text has.
 */
export function createLanguageVocabulary(lexicon: SynonymLexicon, served: ReadonlySet<string>): LanguageVocabulary {
  /** The served languages that write `term`, when they are few enough to tell something (else none). */
  const tellingLanguages = (term: string): readonly string[] => {
    const ours = (lexicon.vocabulary.get(term) ?? []).filter((l) => served.has(l));
    return ours.length <= MAX_LANGUAGES_PER_WORD ? ours : [];
  };
  return {
    votes(text) {
      const folded = words(normalizeText(text));
      const votes = new Map<string, number>();
      for (let i = 0; i < folded.length; i += 1) {
        for (let n = 1; n <= MAX_TERM_WORDS && i + n <= folded.length; n += 1) {
          for (const language of tellingLanguages(folded.slice(i, i + n).join(' '))) votes.set(language, (votes.get(language) ?? 0) + 1);
        }
      }
      return votes;
    },
  };
}
