/**
 * Language of a conversation: the real eld detector over every served locale, the pure resolver on top, and
 * one end-to-end check through the web channel (Accept-Language: es → Spanish).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import type { ChannelHints } from '../src/model.js';
import { startService, type RunningService } from '../src/service.js';
import { countryLanguages, countryOfPhoneNumber } from '../src/engine/country-language.js';
import { createLanguageVocabulary } from '../src/engine/language-vocabulary.js';
import { createSynonymLexicon } from '../src/understanding/synonym-lexicon.js';
import { createLanguageDetector, languageBearingText, MAX_ANALYSED_CHARACTERS, type LanguageDetector } from '../src/engine/language-detector.js';
import { parseLanguageEvidence } from '../src/engine/language-evidence.js';
import { createLanguageRequestMatcher, type LanguageRequestMatcher } from '../src/engine/language-requests.js';
import { resolveLanguage, servedLanguages, type LanguageVerdict } from '../src/engine/language.js';

const LOCALES = createTranslator({ defaultLanguage: 'en' }).languages;

/** "Where is my order?" as customers type it: short, lowercase, little punctuation. */
const WHERE_IS_MY_ORDER: Record<string, string> = {
  en: 'where is my order?', es: '¿dónde está mi pedido?', fr: 'où est ma commande ?', de: 'wo ist meine Bestellung?',
  pt: 'onde está a minha encomenda?', it: "dov'è il mio ordine?", nl: 'waar is mijn bestelling?',
  pl: 'gdzie jest moje zamówienie?', lv: 'kur ir mans pasūtījums?', lt: 'kur mano užsakymas?', et: 'kus on minu tellimus?',
  ru: 'где мой заказ?', uk: 'де моє замовлення?', sv: 'var är min beställning?', fi: 'missä tilaukseni on?',
  cs: 'kde je moje objednávka?', ro: 'unde este comanda mea?', tr: 'siparişim nerede?', ar: 'أين طلبي؟',
  zh: '我的订单在哪里？', ja: '注文はどこですか？', hi: 'मेरा ऑर्डर कहाँ है?',
  // Danish and Norwegian Bokmål are written nearly alike; short messages need the phone's country (below).
  da: 'hej, hvornår kommer min bestilling?', nb: 'jeg har ikke fått pakken min ennå, hva skjer?',
};

/** A second, longer message in the same language: enough to follow a real switch. */
const RETURN_SHOES: Record<string, string> = {
  en: 'I would like to return the shoes I bought last week', lv: 'es gribētu atgriezt kurpes, ko nopirku pagājušajā nedēļā',
  de: 'ich möchte die Schuhe zurückgeben, die ich letzte Woche gekauft habe', es: 'quiero devolver los zapatos que compré la semana pasada',
  ru: 'я хочу вернуть туфли, которые купил на прошлой неделе', fr: "je voudrais retourner les chaussures achetées la semaine dernière",
};

describe('language', () => {
  let detector: LanguageDetector;
  let requests: LanguageRequestMatcher;

  before(async () => {
    detector = await createLanguageDetector({ languages: LOCALES });
    requests = createLanguageRequestMatcher(LOCALES);
  });

  /** Runs a conversation's messages through the resolver the way the engine does, returning each verdict. */
  function converse(texts: string[], options: { hints?: ChannelHints; phoneNumber?: string; start?: LanguageVerdict } = {}): LanguageVerdict[] {
    const verdicts: LanguageVerdict[] = [];
    let previous = options.start && { language: options.start.language, evidence: JSON.parse(JSON.stringify(options.start.evidence)) as unknown };
    for (const text of texts) {
      const verdict = resolveLanguage({
        detection: detector.detect(text),
        requested: requests.match(text),
        previous,
        hints: options.hints,
        phoneNumber: options.phoneNumber,
        supported: LOCALES,
        defaultLanguage: 'en',
      });
      verdicts.push(verdict);
      // Round-trip through JSON like the store does.
      previous = { language: verdict.language, evidence: JSON.parse(JSON.stringify(verdict.evidence)) as unknown };
    }
    return verdicts;
  }

  const last = (verdicts: LanguageVerdict[]) => verdicts[verdicts.length - 1]!;

  describe('a first short message', () => {
    for (const [language, text] of Object.entries(WHERE_IS_MY_ORDER)) {
      it(`${language}: "${text}"`, () => {
        const verdict = last(converse([text]));
        assert.equal(verdict.language, language);
        assert.match(verdict.reason, /^messages\(1\)/);
      });
    }

    it('normalizes to NFC first: decomposed diacritics score like composed ones', () => {
      const composed = 'pasūtījums';
      const decomposed = composed.normalize('NFD');
      assert.notEqual(decomposed, composed);
      assert.deepEqual(detector.detect(decomposed), detector.detect(composed));
      assert.equal(detector.detect(decomposed).language, 'lv');
    });
  });

  describe('support words decide a message too short for n-grams', () => {
    // Without diacritics or function words, n-grams alone pick a neighbour for each of these (bench/language.ts).
    const cases: [string, string][] = [
      ['pt', 'Estorno?'],
      ['sv', 'Kortet spärrat'],
      ['lv', 'Kur ir paka?'],
      ['cs', 'vraceni penez?'],
      ['ro', 'Rambursare?'],
    ];
    for (const [language, text] of cases) {
      it(`${language}: "${text}"`, () => assert.equal(detector.detect(text).language, language));
    }

    it('takes Latin text with Hindi function words for Hindi, and an Italian "hai" for Italian', () => {
      assert.equal(detector.detect('bhai mera refund kab tak aayega?').language, 'hi');
      assert.equal(detector.detect('maine jo shoes order kiye the woh galat size ke aaye hain').language, 'hi');
      assert.equal(detector.detect('hai ricevuto il mio ordine di ieri?').language, 'it');
    });

    it('takes Arabizi for Arabic by its words and the digits it writes for letters, but not English chat or ordinals', () => {
      assert.equal(detector.detect('salam 3alaykom, 3ayez alghi el eshtirak law sama7t').language, 'ar');
      assert.equal(detector.detect('marhaba, talabi ra2m 88120 ma wosel, fi ta2khir?').language, 'ar');
      assert.equal(detector.detect('see you 2day at 5pm, the 3rd floor, gr8').language, 'en');
    });

    it('takes an inverted question or exclamation mark for Spanish', () => {
      assert.equal(detector.detect('¿devolución?').language, 'es');
      assert.equal(detector.detect('¡gracias!').language, 'es');
    });

    it('counts a word for each language that writes it, and none for a word every language writes', () => {
      const vocabulary = createLanguageVocabulary(
        createSynonymLexicon([
          { concept: 'refund', language: 'es', terms: ['reembolso'] },
          { concept: 'refund', language: 'pt', terms: ['reembolso', 'estorno'] },
          ...['de', 'fr', 'nl', 'sv'].map((language) => ({ concept: 'app', language, terms: ['app'] })),
        ]),
        new Set(['es', 'pt', 'de', 'fr', 'nl', 'sv']),
      );
      assert.deepEqual([...vocabulary.votes('Reembolso?')].sort(), [['es', 1], ['pt', 1]]);
      assert.deepEqual([...vocabulary.votes('estorno no app')], [['pt', 1]]);
    });
  });

  describe('numbers, ids, emoji and "ok" are no evidence', () => {
    for (const text of ['12345', 'ok', '👍', '#A-10023', 'https://shop.example/o/123', '+371 2000 0000', 'ok 👍 42']) {
      it(`"${text}" keeps the default, and keeps an established language`, () => {
        assert.equal(languageBearingText(text).letters, 0);
        const fresh = last(converse([text]));
        assert.equal(fresh.language, 'en');
        assert.equal(fresh.reason, 'default');
        for (const language of ['lv', 'ru', 'de', 'ja']) {
          const established = last(converse([WHERE_IS_MY_ORDER[language]!]));
          const after = last(converse([text, text], { start: established }));
          assert.equal(after.language, language, `${language} conversation after "${text}"`);
          assert.deepEqual(after.evidence.recent, established.evidence.recent, 'neutral messages do not even decay the evidence');
        }
      });
    }

    it('a channel locale decides a neutral first message', () => {
      assert.equal(last(converse(['12345'], { hints: { locale: 'es-ES' } })).language, 'es');
      assert.equal(last(converse(['ok'], { hints: { locale: 'lv' } })).reason, 'locale lv');
    });
  });

  describe('a two-word message does not flip the conversation', () => {
    for (const [language, established] of [['lv', 'gribu atgriezt kurpes, kur ir mans pasūtījums?'], ['es', '¿dónde está mi pedido? lo pedí hace una semana'], ['de', 'wo ist meine Bestellung? ich warte seit einer Woche']] as const) {
      for (const short of ['cena?', 'ok thanks', 'merci', 'hola', 'danke']) {
        if (short === 'hola' && language === 'es') continue;
        if (short === 'danke' && language === 'de') continue;
        it(`${language} conversation + "${short}"`, () => {
          const verdicts = converse([established, short]);
          assert.equal(verdicts[1]!.language, language);
        });
      }
    }
  });

  describe('a real switch is followed', () => {
    for (const [from, to] of [['lv', 'en'], ['en', 'de'], ['ru', 'lv'], ['es', 'fr'], ['de', 'ru']] as const) {
      it(`${from} → ${to} within two clear messages`, () => {
        const verdicts = converse([WHERE_IS_MY_ORDER[from]!, RETURN_SHOES[from] ?? WHERE_IS_MY_ORDER[from]!, RETURN_SHOES[to]!, WHERE_IS_MY_ORDER[to]!]);
        assert.equal(verdicts[1]!.language, from);
        assert.equal(verdicts[3]!.language, to);
      });
    }

    it('forgets old messages: six messages in Latvian do not outvote two clear ones in English', () => {
      const latvian = Array.from({ length: 6 }, () => RETURN_SHOES.lv!);
      const verdicts = converse([...latvian, RETURN_SHOES.en!, 'and where is my order? it is late']);
      assert.equal(verdicts[5]!.language, 'lv');
      assert.equal(last(verdicts).language, 'en');
      assert.ok(last(verdicts).evidence.recent.length <= 6);
    });
  });

  describe('explicit requests win', () => {
    const cases: [string, string, string][] = [
      ['in English please', 'lv', 'en'],
      ['runā latviski', 'en', 'lv'],
      ['¿hablas español?', 'en', 'es'],
      ['auf Deutsch bitte', 'fr', 'de'],
      ['по-русски пожалуйста', 'lv', 'ru'],
      ['mówisz po polsku?', 'de', 'pl'],
      ['parlez-vous français ?', 'en', 'fr'],
      ['puhutko suomea?', 'sv', 'fi'],
      ['kan du snakke norsk?', 'en', 'nb'],
      ['Türkçe konuşuyor musunuz?', 'de', 'tr'],
      ['请说中文', 'en', 'zh'],
      ['日本語でお願いします', 'en', 'ja'],
      ['بالعربية من فضلك', 'en', 'ar'],
      ['do you speak Latvian?', 'ru', 'lv'],
    ];
    for (const [text, from, to] of cases) {
      it(`"${text}" in a ${from} conversation → ${to}`, () => {
        const start = last(converse([RETURN_SHOES[from] ?? WHERE_IS_MY_ORDER[from]!]));
        const verdict = last(converse([text], { start }));
        assert.equal(verdict.language, to);
        assert.equal(verdict.reason, 'request');
        assert.equal(verdict.evidence.confirmed, to);
      });
    }

    it('a confirmed language survives a short message in another language and a contrary locale', () => {
      const verdicts = converse(['in English please', 'paldies', 'cena?'], { hints: { locale: 'lv' }, phoneNumber: '+37120000000' });
      assert.deepEqual(verdicts.map((v) => v.language), ['en', 'en', 'en']);
      assert.match(verdicts[2]!.reason, /^confirmed/);
    });

    it('mentioning a language is not asking for it', () => {
      for (const text of ['I bought an English dictionary for my son last week', 'ship to Japan please', 'polish']) {
        assert.equal(requests.match(text), text === 'polish' ? 'pl' : undefined, text);
      }
      assert.equal(requests.match('I bought an English dictionary for my son last week'), undefined);
    });
  });

  describe('a mixed-language message goes with its main language', () => {
    it('a Spanish greeting on an English question is English', () => {
      assert.equal(last(converse(['hola, where is my order? it was supposed to arrive yesterday'])).language, 'en');
    });
    it('an English brand name in a Latvian sentence stays Latvian', () => {
      assert.equal(last(converse(['vai iPhone Pro Max case ir pieejams jūsu veikalā Rīgā?'])).language, 'lv');
    });
    it('"thanks" in English after a German conversation does not flip it', () => {
      assert.equal(last(converse([RETURN_SHOES.de!, 'ok thanks'])).language, 'de');
    });
  });

  describe('a long message is judged by its beginning', () => {
    const pastedLog = Array.from({ length: 300 }, (_, i) => `error ${i}: the request failed with status timeout`).join('\n');

    it(`analyses about ${MAX_ANALYSED_CHARACTERS} characters, however long the message`, () => {
      const bearing = languageBearingText(`${RETURN_SHOES.lv!}. ${pastedLog}`);
      assert.ok(bearing.text.length <= MAX_ANALYSED_CHARACTERS + 20, `${bearing.text.length} characters analysed`);
      assert.ok(bearing.text.startsWith(RETURN_SHOES.lv!.slice(0, 20)));
      assert.equal(detector.detect(`${RETURN_SHOES.lv!}. ${pastedLog}`).language, 'lv');
      assert.equal(detector.detect(`${RETURN_SHOES.en!}. ${pastedLog}`).language, 'en');
    });

    it('skips order ids and links before the words rather than counting them', () => {
      const ids = Array.from({ length: 20 }, (_, i) => `#A-${10_000 + i}`).join(' ');
      assert.equal(detector.detect(`${ids} ${RETURN_SHOES.ru!}`).language, 'ru');
      assert.equal(languageBearingText(`${ids} https://shop.example/o/1 ok`).letters, 0);
    });
  });

  describe('priors from the channel', () => {
    it('an SMS from +371 saying "sveiki" is Latvian (a word Lithuanian shares)', () => {
      const verdict = last(converse(['sveiki'], { phoneNumber: '+37120000000' }));
      assert.equal(verdict.language, 'lv');
      assert.match(verdict.reason, /country LV/);
    });

    it('hints.country beats the calling code; Danish and Norwegian are told apart by country', () => {
      assert.equal(last(converse(['hvor er min ordre?'], { hints: { country: 'DK' } })).language, 'da');
      assert.equal(last(converse(['hvor er min ordre?'], { hints: { country: 'NO' }, phoneNumber: '+4520000000' })).language, 'nb');
    });

    it('a Bot Framework or browser locale decides a short first message', () => {
      assert.equal(last(converse(['cena?'], { hints: { locale: 'it-IT' } })).language, 'it');
      assert.equal(last(converse(['merci'], { hints: { locale: 'fr-CA' } })).language, 'fr');
      assert.equal(last(converse(['hvor er min ordre?'], { hints: { locale: 'nb-NO' } })).language, 'nb');
    });

    it('a clear message beats a contrary prior', () => {
      assert.equal(last(converse([RETURN_SHOES.ru!], { phoneNumber: '+37120000000', hints: { locale: 'lv' } })).language, 'ru');
      assert.equal(last(converse([RETURN_SHOES.en!], { hints: { locale: 'de-DE' } })).language, 'en');
    });

    it('maps calling codes and countries', () => {
      assert.equal(countryOfPhoneNumber('+37120000000'), 'LV');
      assert.equal(countryOfPhoneNumber('whatsapp:+4915112345678'), 'DE');
      assert.equal(countryOfPhoneNumber('+1 (415) 555-0100'), 'US');
      assert.equal(countryOfPhoneNumber('visitor_123'), undefined);
      assert.ok((countryLanguages('lv').lv ?? 0) > (countryLanguages('LV').ru ?? 0));
    });
  });

  describe('stored evidence', () => {
    it('reads back what it wrote, and starts afresh from anything else', () => {
      const verdict = last(converse(['kur ir mans pasūtījums?']));
      assert.deepEqual(parseLanguageEvidence(JSON.parse(JSON.stringify(verdict.evidence))), verdict.evidence);
      assert.deepEqual(parseLanguageEvidence(null), { recent: [] });
      assert.deepEqual(parseLanguageEvidence({ recent: 'lv' }), { recent: [] });
    });
  });

  describe('served languages', () => {
    it('defaults to every locale and checks LANGUAGES and DEFAULT_LANGUAGE', () => {
      assert.deepEqual(servedLanguages({ configured: undefined, locales: ['en', 'lv'], defaultLanguage: 'en' }), ['en', 'lv']);
      assert.deepEqual(servedLanguages({ configured: ['lv', 'ru'], locales: ['en', 'lv', 'ru'], defaultLanguage: 'lv' }), ['lv', 'ru']);
      assert.throws(() => servedLanguages({ configured: ['en', 'xx'], locales: ['en'], defaultLanguage: 'en' }), /^ConfigError: LANGUAGES lists xx/);
      assert.throws(() => servedLanguages({ configured: ['lv'], locales: ['en', 'lv'], defaultLanguage: 'en' }), /DEFAULT_LANGUAGE=en is not served/);
    });

    it('never answers in a language it does not serve', () => {
      const verdict = resolveLanguage({ detection: detector.detect('где мой заказ?'), supported: ['en', 'lv'], defaultLanguage: 'en', hints: { locale: 'ru' } });
      assert.ok(['en', 'lv'].includes(verdict.language));
    });

    it('LANGUAGES is validated where it is read', () => {
      assert.deepEqual(loadConfig({ LANGUAGES: 'en, lv,ru' }).languages, ['en', 'lv', 'ru']);
      assert.throws(() => loadConfig({ LANGUAGES: 'en;lv' }), /LANGUAGES="en;lv" is invalid/);
    });
  });

  describe('end to end: a web visitor with Accept-Language: es', () => {
    let dataDir: string;
    let service: RunningService;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'switchboard-language-'));
      service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    });

    after(async () => {
      await service?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('gets the disclosure in Spanish for a language-neutral first message, and the conversation records why', async () => {
      const visitorId = 'visitor_lang_es_1';
      const post = await fetch(`${service.url}/web/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' },
        body: JSON.stringify({ visitorId, clientMessageId: 'msg_lang_es_1', text: '12345' }),
      });
      assert.equal(post.status, 202);
      const { messageId } = (await post.json()) as { messageId: number };
      // The webhook acknowledges on record; the turn runs after it.
      await service.idle();

      const history = await fetch(`${service.url}/web/history?visitorId=${visitorId}`);
      assert.equal(history.status, 200);
      const { messages } = (await history.json()) as { messages: { author: string; text: string }[] };
      const spanish = createTranslator({ defaultLanguage: 'en' }).t('es', 'disclosure');
      assert.equal(messages[0]?.author, 'customer');
      assert.equal(messages[1]?.author, 'bot');
      assert.equal(messages[1]?.text, spanish);

      const stored = await service.store.findInbound('web', `${visitorId}:msg_lang_es_1`);
      assert.equal(stored?.id, messageId);
      const conversation = await service.store.getConversation(stored!.conversationId);
      assert.equal(conversation?.language, 'es');
      assert.equal(conversation?.languageReason, 'locale es-ES');
    });
  });
});
