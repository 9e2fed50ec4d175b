/**
 * The retrieval stop words: every served language has its function words down-weighted, and none of them
 * swallows a word that carries intent in another served language once folded.
 */
import assert from 'node:assert/strict';
import { normalizeText, STOPWORDS } from '../src/engine/text-normalize.js';

/** A few function words per served language, as customers type them (with or without diacritics). */
const FUNCTION_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'my'], es: ['el', 'mi'], fr: ['le', 'mon'], de: ['der', 'mein'], lv: ['ir', 'mans'],
  pt: ['meu', 'você'], it: ['il', 'mio'], nl: ['het', 'mijn'], pl: ['się', 'mój'], lt: ['yra', 'mano'],
  et: ['minu', 'palun'], ru: ['мой', 'пожалуйста'], uk: ['мій', 'будь'], sv: ['och', 'jag'], fi: ['minun', 'että'],
  da: ['og', 'jeg'], nb: ['og', 'meg'], cs: ['můj', 'prosím'], ro: ['și', 'meu'], tr: ['benim', 'lütfen'],
  ar: ['في', 'أنا'], zh: ['的', '我的'], ja: ['です', 'ください'], hi: ['मेरा', 'कृपया'],
};

/**
 * Where/when and other words that decide which entry is meant, in the served languages. French "où" is not
 * here: folded it is "ou" ("or"), which customers type for both.
 */
const INTENT_WORDS = [
  'where', 'when', 'size', 'kur', 'kad', 'wo', 'wann', 'quand', 'dónde', 'cuándo', 'está', 'onde', 'quando', 'dove',
  'waar', 'wanneer', 'gdzie', 'kiedy', 'ile', 'kada', 'kus', 'millal', 'где', 'когда', 'де', 'коли', 'var', 'när',
  'missä', 'milloin', 'hvor', 'hvornår', 'når', 'kde', 'kdy', 'unde', 'când', 'nerede', 'zaman', 'أين', 'متى', 'कहाँ', 'कब',
  'care', 'ten', 'not', 'nicht', 'pas', 'nie', 'не',
];

describe('retrieval stop words', () => {
  for (const [language, examples] of Object.entries(FUNCTION_WORDS)) {
    it(`down-weights ${language} function words`, () => {
      for (const word of examples) assert.ok(STOPWORDS.has(normalizeText(word)), `${language} "${word}" (${normalizeText(word)})`);
    });
  }

  it('are stored folded, so typed words find them', () => {
    for (const word of STOPWORDS) assert.equal(normalizeText(word), word);
  });

  it('leave intent words of every served language at full weight', () => {
    const swallowed = INTENT_WORDS.filter((word) => STOPWORDS.has(normalizeText(word)));
    assert.deepEqual(swallowed, []);
  });
});

describe('normalizeText across scripts', () => {
  it('folds Latin and Cyrillic accents but keeps Devanagari vowel signs and drops Arabic harakat', () => {
    assert.equal(normalizeText('Pasūtījumu?!'), 'pasutijumu');
    assert.equal(normalizeText('Ещё'), 'еще');
    assert.equal(normalizeText('मेरा ऑर्डर कहाँ है?'), 'मेरा ऑर्डर कहाँ है'.normalize('NFC'));
    assert.notEqual(normalizeText('की'), normalizeText('क'));
    assert.equal(normalizeText('طَلَبِي'), 'طلبي');
  });
});
