/**
 * Greetings, thanks and goodbyes per language. Matched on the whole (normalized) message only, so
 * "hi, where is my order?" is a question, not small talk.
 */

export type SmallTalk = 'greeting' | 'thanks' | 'goodbye';

const PHRASES: Record<string, Record<SmallTalk, string[]>> = {
  en: {
    greeting: ['hi', 'hello', 'hey', 'hi there', 'hello there', 'good morning', 'good afternoon', 'good evening', 'hiya', 'howdy'],
    thanks: ['thanks', 'thank you', 'thx', 'ty', 'thanks a lot', 'thank you very much', 'many thanks', 'great thanks', 'ok thanks', 'cheers'],
    goodbye: ['bye', 'goodbye', 'see you', 'bye bye', 'have a nice day'],
  },
  es: {
    greeting: ['hola', 'buenas', 'buenos dias', 'buenas tardes', 'buenas noches', 'hola buenas'],
    thanks: ['gracias', 'muchas gracias', 'mil gracias', 'ok gracias', 'vale gracias'],
    goodbye: ['adios', 'hasta luego', 'chao', 'hasta pronto'],
  },
  de: {
    greeting: ['hallo', 'guten tag', 'guten morgen', 'guten abend', 'servus', 'moin', 'gruss gott', 'hallo zusammen'],
    thanks: ['danke', 'vielen dank', 'danke schon', 'dankeschon', 'danke sehr', 'ok danke'],
    goodbye: ['tschuss', 'auf wiedersehen', 'bis bald', 'ciao'],
  },
  fr: {
    greeting: ['bonjour', 'salut', 'bonsoir', 'coucou', 'bonjour a vous'],
    thanks: ['merci', 'merci beaucoup', 'merci bien', 'ok merci', 'super merci'],
    goodbye: ['au revoir', 'a bientot', 'bonne journee', 'bonne soiree'],
  },
  lv: {
    greeting: ['sveiki', 'labdien', 'cau', 'sveiks', 'sveika', 'labrit', 'labvakar', 'sveiciens'],
    thanks: ['paldies', 'liels paldies', 'paldies liels', 'ok paldies'],
    goodbye: ['uz redzesanos', 'ata', 'visu labu'],
  },
};

/** Lowercase, no diacritics, no punctuation or emoji, single spaces. */
export function foldForPhrase(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const LOOKUP = new Map<string, { kind: SmallTalk; language: string }>();
for (const [language, kinds] of Object.entries(PHRASES)) {
  for (const [kind, phrases] of Object.entries(kinds) as [SmallTalk, string[]][]) {
    for (const phrase of phrases) if (!LOOKUP.has(phrase)) LOOKUP.set(phrase, { kind, language });
  }
}

/** The small-talk kind of a whole message and the language its phrase belongs to, if it is one. */
export function detectSmallTalk(text: string): { kind: SmallTalk; language: string } | undefined {
  return LOOKUP.get(foldForPhrase(text));
}
