import assert from 'node:assert/strict';
import { RERANK_FEATURES } from '../src/understanding/answer-reranker.js';
import { rerankVerdict, shippedReranker, type RerankerModel } from '../src/understanding/reranker-model.js';
import { createSynonymLexicon } from '../src/understanding/synonym-lexicon.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKnowledgeBase,
  factsOf,
  KnowledgeBaseError,
  loadKnowledgeBase,
  SHORT_ANSWER_MAX,
  type KnowledgeBase,
  type KnowledgeEntry,
} from '../src/engine/knowledge.js';
import { normalizeText, words } from '../src/engine/text-normalize.js';
import { projectPath } from '../src/paths.js';

const REQUIRED_LANGUAGES = ['en', 'es', 'de', 'fr', 'lv'];

/** [query, expected entry id], by the language the customer writes in. */
const QUERIES: Record<string, [string, string][]> = {
  en: [
    ['how long does shipping take?', 'shipping-time'],
    ['shipping cost?', 'shipping-cost'],
    ['wheres my order??', 'order-tracking'],
    ['still waiting for my refund', 'refunds'],
    ['cancel my order please', 'change-or-cancel-order'],
    ['let me talk to a human', 'contact-human'],
    ['do you accept apple pay', 'payment-methods'],
  ],
  es: [
    ['¿Cuánto tarda en llegar el pedido?', 'shipping-time'],
    ['dónde está mi paquete', 'order-tracking'],
    ['quiero devolver un producto', 'returns'],
    ['quiero hablar con una persona real', 'contact-human'],
    ['necesito la factura', 'invoices'],
  ],
  de: [
    ['Wie lange dauert die Lieferung?', 'shipping-time'],
    ['Wo bleibt meine Bestellung?', 'order-tracking'],
    ['Ich möchte einen Artikel zurückgeben', 'returns'],
    ['Paket kam beschädigt an', 'damaged-or-wrong-item'],
    ['Kann ich mit Paypal zahlen', 'payment-methods'],
  ],
  fr: [
    ['Combien de temps pour la livraison ?', 'shipping-time'],
    ['où est mon colis', 'order-tracking'],
    ['je voudrais retourner un article', 'returns'],
    ['quand vais-je être remboursé', 'refunds'],
    ['annuler ma commande', 'change-or-cancel-order'],
  ],
  lv: [
    ['Kur ir mans pasūtījums?', 'order-tracking'],
    ['Kā atcelt pasūtījumu', 'change-or-cancel-order'],
    ['Cik ilgi ir jāgaida piegāde?', 'shipping-time'],
    ['gribu atgriezt preci', 'returns'],
    ['kur atrast pasūtījuma rēķinu', 'invoices'],
  ],
};

function entry(id: string, overrides: Partial<KnowledgeEntry> = {}): KnowledgeEntry {
  return { id, handoff: false, questions: { en: [id] }, answers: { en: `${id} answer` }, short: {}, ...overrides };
}

describe('knowledge base', () => {
  let kb: KnowledgeBase;

  before(() => {
    kb = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'));
  });

  describe('demo file', () => {
    it('loads at least 16 entries, one of which hands off to a person', () => {
      assert.ok(kb.entries.length >= 16, `only ${kb.entries.length} entries`);
      assert.deepEqual(
        kb.entries.filter((e) => e.handoff).map((e) => e.id),
        ['contact-human'],
      );
    });

    it('answers every entry in all required languages, with several question variants each', () => {
      for (const e of kb.entries) {
        for (const language of REQUIRED_LANGUAGES) {
          assert.ok(e.answers[language], `${e.id} has no ${language} answer`);
          assert.ok((e.questions[language]?.length ?? 0) >= 3, `${e.id} has < 3 ${language} questions`);
        }
      }
      for (const language of REQUIRED_LANGUAGES) assert.ok(kb.languages.includes(language));
    });

    it('keeps short answers within one SMS', () => {
      for (const e of kb.entries) {
        for (const [language, text] of Object.entries(e.short)) {
          assert.ok(text.length <= SHORT_ANSWER_MAX, `${e.id}.short.${language} is ${text.length} characters`);
        }
      }
    });
  });

  describe('understand', () => {
    for (const [language, cases] of Object.entries(QUERIES)) {
      for (const [query, expected] of cases) {
        it(`[${language}] "${query}" → ${expected}`, () => {
          assert.equal(kb.rank(query, { language })[0]?.entry.id, expected);
          const match = kb.search(query, { language });
          assert.ok(match === undefined || (match.entry.id === expected && match.score >= shippedReranker().answerAt));
        });
      }
    }

    it('tolerates typos', () => {
      const first = (text: string) => kb.rank(text, { language: 'en' })[0]?.entry.id;
      assert.equal(first('how long does shiping take'), 'shipping-time');
      assert.equal(first('pasword reset'), 'password-reset');
      assert.equal(first('retrun policy'), 'returns');
      assert.equal(first('wher is my ordr'), 'order-tracking');
    });

    it('matches Latvian inflected forms and spelling without diacritics', () => {
      assert.equal(kb.search('kur ir mans pasutijums', { language: 'lv' })?.entry.id, 'order-tracking');
      assert.equal(kb.search('gribu atcelt savu pasūtījumu', { language: 'lv' })?.entry.id, 'change-or-cancel-order');
      assert.equal(kb.search('olvide mi contrasena', { language: 'es' })?.entry.id, 'password-reset');
    });

    it('declines gibberish, unrelated and empty text', () => {
      for (const text of [
        'asdf qwerty',
        'what is the capital of France',
        '¿Cuál es la capital de Francia?',
        'Wie ist das Wetter heute?',
        'tell me a joke',
        'lorem ipsum dolor sit amet',
        '',
        '   ',
        '?!',
        '12345',
      ]) {
        assert.equal(kb.understand(text, { language: 'en' }).kind, 'none', `matched "${text}"`);
      }
    });

    it('asks back when two entries are about equally likely, answers a clear winner, declines when neither is likely', () => {
      // A reranker that reads one feature: how close the message is to the entry's nearest variant.
      const spellingOnly: RerankerModel = {
        ...shippedReranker(),
        mean: RERANK_FEATURES.map(() => 0),
        scale: RERANK_FEATURES.map(() => 1),
        weights: RERANK_FEATURES.map((name) => (name === 'spelling' ? 5 : 0)),
        bias: 0,
      };
      const candidate = (spelling: number) => ({ features: Float64Array.from(RERANK_FEATURES, (name) => (name === 'spelling' ? spelling : 0)) });
      assert.equal(rerankVerdict(spellingOnly, [candidate(1), candidate(1)]).kind, 'clarify');
      assert.equal(rerankVerdict(spellingOnly, [candidate(1), candidate(0)]).kind, 'answer');
      assert.equal(rerankVerdict(spellingOnly, [candidate(-1), candidate(-1)]).kind, 'none');
    });

    it('reaches an entry from a language it has no questions in, through the synonym lexicon', () => {
      const hours = entry('hours', { questions: { en: ['what are your opening hours', 'when are you open', 'opening times'] } });
      const refund = entry('refund', { questions: { en: ['where is my refund', 'money back please', 'refund status'] } });
      const base = createKnowledgeBase([hours, refund]);
      assert.equal(base.search('vilka öppettider har ni?', { language: 'sv' })?.entry.id, 'hours');
      assert.equal(base.search('Öffnungszeiten?', { language: 'de' })?.entry.id, 'hours');
    });

    it('learns from extra question variants (a model\'s translations of the base)', () => {
      const base = (extraQuestions: Record<string, Record<string, string[]>>) =>
        createKnowledgeBase(
          [
            entry('loyalty', { questions: { en: ['how many loyalty points do I have', 'loyalty points balance'] } }),
            entry('newsletter', { questions: { en: ['how do I unsubscribe from the newsletter', 'stop the newsletter emails'] } }),
          ],
          // Without the shipped lexicon, which now knows loyalty points in Polish: only the translations can teach it.
          { extraQuestions, lexicon: createSynonymLexicon([]) },
        );
      const polish = 'ile punktów lojalnościowych mam na koncie';
      assert.equal(base({}).understand(polish, { language: 'pl' }).kind, 'none');
      const translated = base({ loyalty: { pl: ['ile mam punktów lojalnościowych', 'saldo punktów lojalnościowych', 'punkty lojalnościowe na moim koncie'] } });
      assert.equal(translated.search(polish, { language: 'pl' })?.entry.id, 'loyalty');
    });

    it('trains the same matcher from the same file (deterministic)', () => {
      const again = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'));
      for (const text of ['where is my order', 'kur ir mans pasutijums', 'wie teuer ist der Versand']) {
        assert.deepEqual(again.rank(text, { language: 'en' }).map((m) => [m.entry.id, m.score]), kb.rank(text, { language: 'en' }).map((m) => [m.entry.id, m.score]));
      }
    });
  });

  describe('questionFor', () => {
    it('asks in the customer language when the entry has it, else in the default language', () => {
      const shipping = kb.entries.find((e) => e.id === 'shipping-time')!;
      assert.equal(kb.questionFor(shipping, 'de'), shipping.questions.de?.[0]);
      assert.equal(kb.questionFor(shipping, 'ja'), shipping.questions.en?.[0]);
    });
  });

  describe('answerFor', () => {
    const shipping = (): KnowledgeEntry => kb.entries.find((e) => e.id === 'shipping-time')!;

    it('answers in the requested language, short when asked', () => {
      const long = kb.answerFor(shipping(), 'lv');
      assert.equal(long.language, 'lv');
      assert.match(long.text, /darba dienas/);
      const short = kb.answerFor(shipping(), 'de-DE', { short: true });
      assert.equal(short.language, 'de');
      assert.equal(short.text, shipping().short.de);
    });

    it('falls back to the default language and says so', () => {
      const answer = kb.answerFor(shipping(), 'ja');
      assert.deepEqual(answer, { text: shipping().answers.en, language: 'en' });
      const lone = entry('lone', { answers: { en: 'English only', lv: 'Tikai latviski' }, short: { en: 'EN' } });
      const base = createKnowledgeBase([lone], { defaultLanguage: 'lv' });
      assert.deepEqual(base.answerFor(lone, 'fr'), { text: 'Tikai latviski', language: 'lv' });
      assert.deepEqual(base.answerFor(lone, 'fr', { short: true }), { text: 'Tikai latviski', language: 'lv' });
      assert.deepEqual(base.answerFor(lone, 'en', { short: true }), { text: 'EN', language: 'en' });
    });
  });

  describe('validation', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'switchboard-kb-'));
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    const load = (name: string, yaml: string): (() => KnowledgeBase) => {
      const path = join(dir, name);
      writeFileSync(path, yaml);
      return () => loadKnowledgeBase(path);
    };

    it('names the file, the entry and the problem', () => {
      const yaml = [
        'entries:',
        '  - id: fine',
        '    questions: { en: ["hello there"] }',
        '    answers: { en: "Hi" }',
        '  - id: broken-entry',
        '    questions: { en: ["where is it"] }',
        '    answers: {}',
      ].join('\n');
      assert.throws(load('missing-answer.yaml', yaml), (error: unknown) => {
        assert.ok(error instanceof KnowledgeBaseError);
        assert.equal(error.code, 'knowledge_invalid');
        assert.match(error.message, /missing-answer\.yaml/);
        assert.match(error.message, /entry "broken-entry" \(#2\)/);
        assert.match(error.message, /answers: needs an answer/);
        return true;
      });
    });

    it('rejects missing questions, unknown keys and over-long SMS answers', () => {
      assert.throws(load('no-questions.yaml', 'entries:\n  - id: q\n    answers: { en: "A" }\n'), /entry "q".*questions/);
      assert.throws(
        load('typo.yaml', 'entries:\n  - id: t\n    questions: { en: ["x"] }\n    answer: { en: "A" }\n'),
        /entry "t".*answer/,
      );
      const long = 'x'.repeat(SHORT_ANSWER_MAX + 1);
      assert.throws(
        load('long.yaml', `entries:\n  - id: s\n    questions: { en: ["x"] }\n    answers: { en: "A" }\n    short: { en: "${long}" }\n`),
        /entry "s".*short\.en/,
      );
    });

    it('reports YAML syntax errors and a missing default-language answer with the file name', () => {
      assert.throws(load('syntax.yaml', 'entries:\n  - id: [unclosed\n'), /syntax\.yaml: cannot read/);
      assert.throws(
        load('no-en.yaml', 'entries:\n  - id: only-lv\n    questions: { lv: ["sveiki"] }\n    answers: { lv: "Sveiki" }\n'),
        /no-en\.yaml: entry "only-lv": no answer in the default language "en"/,
      );
      assert.throws(() => loadKnowledgeBase(join(dir, 'absent.yaml')), /absent\.yaml: cannot read/);
    });

    it('rejects duplicate ids', () => {
      assert.throws(() => createKnowledgeBase([entry('same'), entry('same')]), /entry "same": duplicate id/);
    });
  });

  describe('text folding', () => {
    it('folds case, diacritics and punctuation', () => {
      assert.equal(normalizeText('Pasūtījumu?!  ÉTÉ—Straße'), 'pasutijumu ete strasse');
      assert.equal(normalizeText('  ¿Dónde   está? '), 'donde esta');
    });
  });
});

describe('synonym lexicon', () => {
  const lexicon = createSynonymLexicon([
    { concept: 'close_account', language: 'et', terms: ['sulgeda konto'] },
    { concept: 'travel', language: 'nb', terms: ['reise'] },
    { concept: 'insurance', language: 'nb', terms: ['forsikring'] },
    { concept: 'refund', language: 'zh', terms: ['退款'] },
    { concept: 'close_account', language: 'pl', terms: ['zamknąć rachunek'] },
    { concept: 'pets', language: 'en', terms: ['cat'] },
    { concept: 'statement', language: 'et', terms: ['väljavõte'] },
    { concept: 'wall', language: 'es', terms: ['pared'] },
    { concept: 'price', language: 'ro', terms: ['cât costă'] },
    { concept: 'membership', language: 'sv', terms: ['medlemskap'] },
    { concept: 'locker', language: 'sv', terms: ['skåp'] },
    ...['en', 'de', 'fr'].map((language) => ({ concept: 'wifi', language, terms: ['wifi'] })),
  ]);
  const concepts = (text: string, language: string | undefined) => lexicon.concepts(words(normalizeText(text)), language).sort();

  it('finds a term of several words in another order, a few words apart', () => {
    assert.deepEqual(concepts('kuidas ma saan oma konto sulgeda', 'et'), ['close_account']);
    assert.deepEqual(concepts('konto on meil juba ammu olnud ja nüüd tahan selle sulgeda', 'et'), []);
  });

  it('finds inflected words through truncation stems where no rule stemmer exists', () => {
    assert.deepEqual(concepts('ile trwa zamknięcie rachunku?', 'pl'), ['close_account']);
  });

  it('finds the parts of a compound in a compounding language', () => {
    assert.deepEqual(concepts('har dere reiseforsikring?', 'nb'), ['insurance', 'travel']);
  });

  it("counts a word only in the languages that list it, unless it is international or the language is unknown", () => {
    assert.deepEqual(concepts('cat costa o pisica?', 'ro'), ['price'], 'Romanian "cât" is not an English cat');
    assert.deepEqual(concepts('do you take my cat?', 'en'), ['pets']);
    assert.deepEqual(concepts('cat costa o pisica?', undefined), ['pets', 'price']);
    assert.deepEqual(concepts('ca marche le wifi?', 'fr'), ['wifi']);
    assert.deepEqual(concepts('ist das wifi kostenlos?', 'nl'), ['wifi'], 'listed in three languages: an international word');
  });

  it("matches a cut stem only in a word of about the term's length: an inflection, not another word", () => {
    assert.deepEqual(concepts('kas ma saan raha välja võtta?', 'et'), []);
    assert.deepEqual(concepts('kust ma saan väljavõtteid?', 'et'), ['statement']);
  });

  it('matches by a stem of four letters or more only: a shorter one is too many words', () => {
    assert.deepEqual(concepts('es para mi hermana', 'es'), [], 'Spanish "para" and "pared" share the stem "par"');
    assert.deepEqual(concepts('la pared del baño', 'es'), ['wall']);
  });

  it('does not cut a compound the lexicon knows whole', () => {
    assert.deepEqual(concepts('vad kostar ett medlemskap?', 'sv'), ['membership']);
  });

  it('finds terms inside unspaced Chinese text', () => {
    assert.deepEqual(concepts('我的退款什么时候到账', 'zh'), ['refund']);
  });
});

describe('facts of an answer', () => {
  it('learns each sentence of a several-sentence answer on its own, but not one-word sentences or a one-sentence answer', () => {
    assert.deepEqual(factsOf('We are at Hauptstraße 5. Yes. Tram line 4 stops at the door! Parking is free?'), [
      'We are at Hauptstraße 5.',
      'Tram line 4 stops at the door!',
      'Parking is free?',
    ]);
    assert.deepEqual(factsOf('Shipping takes 2–4 business days.'), []);
    assert.deepEqual(factsOf('営業時間は9時から18時です。 土曜日は10時から14時です。'), []);
  });
});
