/**
 * Small talk in every served language: greetings, thanks and goodbyes as customers type them (any case,
 * with or without diacritics and punctuation, native script or a common romanization), matched only as the
 * whole message, and a phrase several languages share is never claimed for one of them.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { detectSmallTalk, SMALL_TALK_PHRASES, type SmallTalk } from '../src/engine/small-talk.js';
import { normalizeText } from '../src/engine/text-normalize.js';
import { projectPath } from '../src/paths.js';

type Case = readonly [text: string, kind: SmallTalk];

/** Messages as customers send them, per language; each must be that language's small talk and only its. */
const CASES: Readonly<Record<string, readonly Case[]>> = {
  en: [['Hello!', 'greeting'], ['Thank you', 'thanks'], ['Thanks a lot!!', 'thanks'], ['Bye 👋', 'goodbye']],
  es: [['¡Hola, buenas!', 'greeting'], ['Buenos dias', 'greeting'], ['Muchas gracias', 'thanks'], ['adios', 'goodbye'], ['Hasta mañana', 'goodbye']],
  fr: [['Bonjour', 'greeting'], ['Bonsoir !', 'greeting'], ['Merci beaucoup', 'thanks'], ['A bientot', 'goodbye'], ['Au revoir.', 'goodbye']],
  de: [['Guten Tag', 'greeting'], ['Grüß Gott', 'greeting'], ['gruss gott', 'greeting'], ['Danke schön!', 'thanks'], ['Tschüss', 'goodbye']],
  pt: [['Olá', 'greeting'], ['oi, tudo bem?', 'greeting'], ['Obrigada!', 'thanks'], ['valeu', 'thanks'], ['Tchau', 'goodbye'], ['ate logo', 'goodbye']],
  it: [['Buongiorno', 'greeting'], ['Salve', 'greeting'], ['Grazie mille!', 'thanks'], ['Arrivederci', 'goodbye'], ['a presto', 'goodbye']],
  nl: [['Hoi', 'greeting'], ['Goedemorgen', 'greeting'], ['Dank je wel!', 'thanks'], ['bedankt', 'thanks'], ['Doei', 'goodbye'], ['Tot ziens', 'goodbye']],
  pl: [['Cześć', 'greeting'], ['dzien dobry', 'greeting'], ['Dziękuję!', 'thanks'], ['dzieki', 'thanks'], ['Do widzenia', 'goodbye'], ['Milego dnia', 'goodbye']],
  lv: [['Labdien!', 'greeting'], ['labrit', 'greeting'], ['Paldies', 'thanks'], ['Liels paldies!', 'thanks'], ['Uz redzēšanos', 'goodbye'], ['uz redzesanos', 'goodbye']],
  lt: [['Labas', 'greeting'], ['Laba diena', 'greeting'], ['Ačiū', 'thanks'], ['aciu labai', 'thanks'], ['Viso gero', 'goodbye'], ['iki pasimatymo', 'goodbye']],
  et: [['Tere', 'greeting'], ['Tere hommikust!', 'greeting'], ['Aitäh', 'thanks'], ['aitah', 'thanks'], ['Head aega', 'goodbye'], ['nagemist', 'goodbye']],
  ru: [['Привет!', 'greeting'], ['Здравствуйте', 'greeting'], ['privet', 'greeting'], ['Спасибо большое', 'thanks'], ['spasibo', 'thanks'], ['До свидания', 'goodbye'], ['poka', 'goodbye']],
  uk: [['Привіт', 'greeting'], ['Добрий день!', 'greeting'], ['pryvit', 'greeting'], ['Дякую', 'thanks'], ['dyakuyu', 'thanks'], ['До побачення', 'goodbye']],
  sv: [['Hejsan!', 'greeting'], ['God morgon', 'greeting'], ['Tack så mycket', 'thanks'], ['tack sa mycket', 'thanks'], ['Hej då', 'goodbye'], ['hej da', 'goodbye']],
  fi: [['Moi', 'greeting'], ['Hyvää päivää', 'greeting'], ['Kiitos!', 'thanks'], ['kiitos paljon', 'thanks'], ['Näkemiin', 'goodbye'], ['heippa', 'goodbye']],
  da: [['Hejsa', 'greeting'], ['Godmorgen', 'greeting'], ['Tusind tak!', 'thanks'], ['tak for hjaelpen', 'thanks'], ['Tak for hjælpen', 'thanks'], ['På gensyn', 'goodbye']],
  nb: [['Heisann', 'greeting'], ['Tusen takk', 'thanks'], ['takk for hjelpen', 'thanks'], ['Ha det', 'goodbye'], ['snakkes', 'goodbye']],
  cs: [['Ahoj', 'greeting'], ['Dobrý den', 'greeting'], ['dobry den', 'greeting'], ['Děkuji', 'thanks'], ['diky', 'thanks'], ['Na shledanou', 'goodbye']],
  ro: [['Bună ziua', 'greeting'], ['buna', 'greeting'], ['Mulțumesc!', 'thanks'], ['multumesc frumos', 'thanks'], ['mersi', 'thanks'], ['La revedere', 'goodbye']],
  tr: [['Merhaba', 'greeting'], ['merhabalar', 'greeting'], ['Günaydın', 'greeting'], ['Teşekkürler', 'thanks'], ['tesekkur ederim', 'thanks'], ['Görüşürüz', 'goodbye'], ['hosca kal', 'goodbye']],
  ar: [['مرحباً', 'greeting'], ['السلام عليكم', 'greeting'], ['marhaba', 'greeting'], ['شكراً جزيلاً', 'thanks'], ['shukran', 'thanks'], ['مع السلامة', 'goodbye'], ['إلى اللقاء', 'goodbye']],
  zh: [['你好！', 'greeting'], ['您好', 'greeting'], ['ni hao', 'greeting'], ['Nihao', 'greeting'], ['谢谢', 'thanks'], ['xie xie', 'thanks'], ['再见', 'goodbye'], ['拜拜', 'goodbye']],
  ja: [['こんにちは', 'greeting'], ['konnichiwa', 'greeting'], ['おはようございます', 'greeting'], ['ありがとうございます！', 'thanks'], ['arigatou', 'thanks'], ['さようなら', 'goodbye'], ['sayonara', 'goodbye']],
  hi: [['नमस्ते', 'greeting'], ['Namaste!', 'greeting'], ['namaskar', 'greeting'], ['धन्यवाद', 'thanks'], ['shukriya', 'thanks'], ['dhanyavad', 'thanks'], ['अलविदा', 'goodbye'], ['phir milenge', 'goodbye']],
};

/** Words several languages share: the kind is known, the language is not. */
const SHARED: readonly (readonly [text: string, kind: SmallTalk, languages: readonly string[]])[] = [
  ['Hej!', 'greeting', ['pl', 'sv', 'da']],
  ['hei', 'greeting', ['fi', 'nb']],
  ['Hallo', 'greeting', ['de', 'nl', 'nb']],
  ['Sveiki', 'greeting', ['lv', 'lt']],
  ['Salut !', 'greeting', ['fr', 'ro']],
  ['čau', 'greeting', ['lv', 'cs']],
  // A goodbye in German, a greeting in Italian: a greeting is the safe answer.
  ['Ciao', 'greeting', ['de', 'it']],
  ['vi ses', 'goodbye', ['sv', 'da', 'nb']],
];

const localeLanguages = readdirSync(projectPath('locales'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('small talk', () => {
  it('has greetings, thanks and goodbyes for every language with a locale', () => {
    for (const language of localeLanguages) {
      const kinds = SMALL_TALK_PHRASES[language];
      assert.ok(kinds, `no small talk for ${language}`);
      for (const kind of ['greeting', 'thanks', 'goodbye'] as const) assert.ok(kinds[kind].length >= 3, `${language} has too few ${kind} phrases`);
    }
  });

  it('lists each phrase once per language, under one kind', () => {
    for (const [language, kinds] of Object.entries(SMALL_TALK_PHRASES)) {
      const seen = new Map<string, string>();
      for (const [kind, phrases] of Object.entries(kinds)) {
        for (const phrase of phrases) {
          const folded = normalizeText(phrase);
          assert.ok(folded !== '', `${language} "${phrase}" folds to nothing`);
          assert.equal(seen.get(folded), undefined, `${language} "${phrase}" (${kind}) is already listed as ${seen.get(folded)}`);
          seen.set(folded, kind);
        }
      }
    }
  });

  for (const [language, cases] of Object.entries(CASES)) {
    describe(language, () => {
      for (const [text, kind] of cases) {
        it(`"${text}" is a ${kind}`, () => {
          assert.deepEqual(detectSmallTalk(text), { kind, language, languages: [language] });
        });
      }
    });
  }

  it('covers every language with a locale in these cases', () => {
    assert.deepEqual(Object.keys(CASES).sort(), localeLanguages);
  });

  describe('shared words', () => {
    for (const [text, kind, languages] of SHARED) {
      it(`"${text}" is a ${kind} of ${languages.join(', ')}, claimed by none`, () => {
        assert.deepEqual(detectSmallTalk(text), { kind, language: undefined, languages });
      });
    }
  });

  describe('only whole messages', () => {
    for (const text of [
      'hi, where is my order?',
      'hola, ¿dónde está mi pedido?',
      'Привет, где мой заказ?',
      'merhaba siparişim nerede',
      'ありがとう、でも荷物が届いていません',
      '你好，我的订单在哪里？',
      'नमस्ते, मेरा ऑर्डर कहाँ है?',
      'danke, aber das Paket fehlt',
    ]) {
      it(`"${text}" is a question`, () => {
        assert.equal(detectSmallTalk(text), undefined);
      });
    }
  });

  describe('everyday words that only look like small talk elsewhere', () => {
    // Polish "tak" (yes) is not Danish thanks; Turkish "iki" (two) is not a Lithuanian goodbye.
    for (const text of ['tak', 'Tak.', 'iki', 'ok', '12345', '👍']) {
      it(`"${text}" is not small talk`, () => {
        assert.equal(detectSmallTalk(text), undefined);
      });
    }
  });
});
