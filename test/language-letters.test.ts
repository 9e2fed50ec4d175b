/**
 * The script and letter table is derived from the served languages' own texts (locales + ICU calendar words),
 * not typed from memory: these tests pin what it must find, what it must not (a letter a short locale file
 * merely happens to lack), and how a message's letters are read.
 */
import assert from 'node:assert/strict';
import { createTranslator } from '../src/i18n.js';
import { deriveLetterTable, foldLetters, languageTexts, letterEvidence, MAX_LETTER_USERS, type LetterTable } from '../src/engine/language-letters.js';

const LOCALES = createTranslator({ defaultLanguage: 'en' }).languages;

describe('language letters', () => {
  let table: LetterTable;

  before(() => {
    table = deriveLetterTable(languageTexts(LOCALES));
  });

  describe('derived from every locale', () => {
    const exclusive: [string, string][] = [
      ['uk', 'іїє'],
      ['ru', 'ыэ'],
      ['pl', 'łńśźż'],
      ['lv', 'āēī'],
      ['lt', 'ėįų'],
      ['cs', 'ěřů'],
      ['de', 'ß'],
      ['es', 'ñ'],
      ['tr', 'ğı'],
      ['ro', 'ăț'],
    ];
    for (const [language, letters] of exclusive) {
      it(`finds ${[...letters].join(' ')} written by ${language} alone`, () => {
        for (const letter of letters) assert.deepEqual(table.letters.get(letter), [language], letter);
      });
    }

    it('finds letters a few languages share, within their script', () => {
      assert.deepEqual(table.letters.get('ø'), ['da', 'nb']);
      assert.deepEqual(table.letters.get('å'), ['da', 'nb', 'sv']);
      assert.deepEqual(table.letters.get('ą'), ['lt', 'pl']);
    });

    it('gives each script the languages that write it: one decides, several leave it to the letters', () => {
      assert.deepEqual(table.scripts.get('Arabic'), ['ar']);
      assert.deepEqual(table.scripts.get('Devanagari'), ['hi']);
      assert.deepEqual(table.scripts.get('Hiragana'), ['ja']);
      assert.deepEqual(table.scripts.get('Katakana'), ['ja']);
      assert.deepEqual(table.scripts.get('Cyrillic'), ['ru', 'uk']);
      assert.deepEqual(table.scripts.get('Han'), ['ja', 'zh']);
      assert.equal(table.scripts.get('Latin')?.length, LOCALES.length - 6);
    });

    it('never lists basic Latin, Han, or a letter more than a few languages use', () => {
      for (const [letter, users] of table.letters) {
        assert.ok(!/[a-z]/.test(letter) && !/\p{Script=Han}/u.test(letter), letter);
        assert.ok(users.length <= MAX_LETTER_USERS, `${letter}: ${users.join(' ')}`);
      }
      assert.equal(table.letters.get('é'), undefined, 'é is French, Spanish, Portuguese, Czech, Italian…');
    });

    it('does not take a letter a locale file merely lacks for another language\'s own: "ц" is Russian too', () => {
      // locales/ru/translation.json has no "ц"; the ICU calendar and unit words ("пятница") do.
      assert.equal(table.letters.get('ц'), undefined);
      assert.equal(table.letters.get('ç')?.includes('fr'), true, 'French "ç" comes from "français"');
    });
  });

  describe('derived from the served languages only', () => {
    it('is exclusive among what is served: with en and lv, "ā" is Latvian and Cyrillic has no writer', () => {
      const served = deriveLetterTable(languageTexts(['en', 'lv']));
      assert.deepEqual(served.letters.get('ā'), ['lv']);
      assert.deepEqual(served.letters.get('š'), ['lv']);
      assert.equal(served.scripts.get('Cyrillic'), undefined);
    });

    it('gives a script to the one language that writes it, whatever the script: hangul → ko when served', () => {
      const withKorean = deriveLetterTable({ en: 'where is my order', ko: '주문이 어디에 있나요 배송 조회' });
      assert.deepEqual(withKorean.scripts.get('Hangul'), ['ko']);
      assert.deepEqual(letterEvidence('주문 어디', withKorean).languages, ['ko']);
    });
  });

  describe('a message\'s letters', () => {
    it('Han with kana is Japanese; Han alone is left to the zh/ja pair', () => {
      assert.deepEqual(letterEvidence('注文番号 がまだ発送されていません', table).languages, ['ja']);
      assert.deepEqual(letterEvidence('订单 还没发货', table).languages, ['ja', 'zh']);
      // A product name in Latin letters does not outweigh the Chinese around it.
      assert.equal(letterEvidence('iPhone 怎么退货', table).script, 'Han');
    });

    it('counts each word with distinctive letters once against the languages that cannot have written it', () => {
      const evidence = letterEvidence('посилка так і не прийшла', table);
      assert.deepEqual(evidence.languages, ['ru', 'uk']);
      assert.deepEqual(evidence.misses, { ru: 1, uk: 0 });
      assert.equal(evidence.judged, 1);
    });

    it('skips capitalized words after the first: names, not the language of the sentence', () => {
      assert.equal(letterEvidence('I am in Łódź, where is my parcel', table).judged, 0);
      assert.equal(letterEvidence('Łódź', table).judged, 1);
    });

    it('reads Romanian "ţ" typed with a cedilla as "ț", and keeps Turkish "ş" apart', () => {
      assert.equal(foldLetters('Mulţumesc'), 'mulțumesc');
      assert.deepEqual(letterEvidence('mulţumesc', table).misses.ro, 0);
      assert.ok(table.letters.get('ş')?.includes('tr'));
    });
  });
});
