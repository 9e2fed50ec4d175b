import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKnowledgeBase,
  DEFAULT_MATCH_THRESHOLD,
  KnowledgeBaseError,
  loadKnowledgeBase,
  SHORT_ANSWER_MAX,
  type KnowledgeBase,
  type KnowledgeEntry,
} from '../src/engine/knowledge.js';
import { editDistance, normalizeText } from '../src/engine/text-normalize.js';
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

  describe('search', () => {
    for (const [language, cases] of Object.entries(QUERIES)) {
      for (const [query, expected] of cases) {
        it(`[${language}] "${query}" → ${expected}`, () => {
          const match = kb.search(query);
          assert.equal(match?.entry.id, expected);
          assert.ok(match.score >= DEFAULT_MATCH_THRESHOLD);
        });
      }
    }

    it('reports the language of the variant that matched', () => {
      assert.equal(kb.search('wie lange dauert der Versand')?.language, 'de');
      assert.equal(kb.search('kur ir mans pasūtījums')?.language, 'lv');
      assert.equal(kb.search('où est ma commande')?.language, 'fr');
    });

    it('tolerates typos', () => {
      assert.equal(kb.search('how long does shiping take')?.entry.id, 'shipping-time');
      assert.equal(kb.search('refnd')?.entry.id, 'refunds');
      assert.equal(kb.search('pasword reset')?.entry.id, 'password-reset');
      assert.equal(kb.search('retrun policy')?.entry.id, 'returns');
      assert.equal(kb.search('wher is my ordr')?.entry.id, 'order-tracking');
    });

    it('matches Latvian inflected forms and spelling without diacritics', () => {
      assert.equal(kb.search('kur ir mans pasutijums')?.entry.id, 'order-tracking');
      assert.equal(kb.search('pasutijuma atcelsana')?.entry.id, 'change-or-cancel-order');
      assert.equal(kb.search('gribu atcelt savu pasūtījumu')?.entry.id, 'change-or-cancel-order');
      assert.equal(kb.search('cik maksa piegade')?.entry.id, 'shipping-cost');
      assert.equal(kb.search('gribu runat ar cilveku')?.entry.id, 'contact-human');
      assert.equal(kb.search('olvide mi contrasena')?.entry.id, 'password-reset');
    });

    it('returns undefined for gibberish, unrelated and empty text', () => {
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
        assert.equal(kb.search(text), undefined, `matched "${text}"`);
      }
    });

    it('declines when two entries are too close to call', () => {
      const close = createKnowledgeBase([
        entry('a', { questions: { en: ['order status red'] } }),
        entry('b', { questions: { en: ['order status big'] } }),
      ]);
      assert.equal(close.search('order status'), undefined);
      assert.equal(close.rank('order status').length, 2);
    });

    it('prefers variants in the conversation language', () => {
      const twins = createKnowledgeBase(
        [
          entry('en-topic', { questions: { en: ['info paket'] } }),
          entry('de-topic', { questions: { de: ['info pakete'] } }),
        ],
        { ambiguityMargin: 0 },
      );
      assert.equal(twins.search('info paket', { language: 'de' })?.entry.id, 'en-topic');
      assert.equal(twins.search('info pakete', { language: 'en' })?.entry.id, 'de-topic');
      const plain = twins.rank('info paketz');
      const biased = twins.rank('info paketz', { language: 'de-AT' });
      assert.ok(biased.find((m) => m.entry.id === 'de-topic')!.score > plain.find((m) => m.entry.id === 'de-topic')!.score);
    });

    it("reuses the last query's scores (the engine's two searches per message) without mixing queries or languages", () => {
      const queries: [string, string | undefined][] = [
        ['where is my order', undefined], ['where is my order', 'lv'], ['kur ir mans pasutijums', 'lv'],
        ['where is my order', 'de'], ['kur ir mans pasutijums', undefined], ['kur ir mans pasutijums', undefined],
      ];
      for (const [text, language] of queries) {
        const fresh = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'));
        assert.deepEqual(kb.rank(text, { language }), fresh.rank(text, { language }), `${text} (${language ?? 'no language'})`);
      }
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

    it('counts transpositions as one edit', () => {
      assert.equal(editDistance('retrun', 'return', 1), 1);
      assert.equal(editDistance('refnd', 'refund', 1), 1);
      assert.equal(editDistance('asdf', 'order', 1), 2);
    });
  });
});
