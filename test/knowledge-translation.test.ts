/**
 * The pure half of translating the knowledge base: which entries need a language, whether a model's
 * translation is fit to use, and how translations join the file's own text.
 */
import assert from 'node:assert/strict';
import { createKnowledgeBase, type KnowledgeEntry } from '../src/engine/knowledge.js';
import type { KnowledgeText } from '../src/engine/llm-prompt.js';
import { checkKnowledgeTranslation } from '../src/llm/knowledge-translation-check.js';
import { buildTranslatedKnowledge, mergeTranslations, missingTranslations, translationSource } from '../src/llm/translated-knowledge.js';
import type { KnowledgeTranslation } from '../src/store/store.js';

const entries: KnowledgeEntry[] = [
  {
    id: 'shipping-time',
    handoff: false,
    questions: { en: ['how long does shipping take?', 'when will my order arrive?'], de: ['Wie lange dauert der Versand?'] },
    answers: { en: 'Standard shipping takes 2–4 business days.', de: 'Der Standardversand dauert 2–4 Werktage.' },
    short: { en: '2–4 business days.' },
  },
  {
    id: 'returns',
    handoff: false,
    questions: { en: ['how do I return an item?', 'return policy'] },
    answers: { en: 'You can return any item within 30 days for a full refund.' },
    short: {},
  },
];

const shippingSource = translationSource(entries[0]!, 'en');
const polishShipping: KnowledgeText = {
  questions: ['ile trwa wysyłka?', 'kiedy dotrze moja paczka?', 'jak długo czeka się na dostawę?'],
  answer: 'Standardowa wysyłka trwa 2–4 dni robocze.',
  short: '2–4 dni robocze.',
};

describe('knowledge translation: what to translate', () => {
  it('translates from the default-language questions, answer and SMS answer', () => {
    assert.deepEqual(shippingSource, { questions: entries[0]!.questions.en, answer: entries[0]!.answers.en, short: '2–4 business days.' });
    assert.equal(translationSource(entries[1]!, 'en').short, undefined);
  });

  it('lists each served language but the default, with the entries lacking questions or an answer there', () => {
    const tasks = missingTranslations(entries, ['en', 'de', 'pl'], 'en').map((task) => `${task.language}/${task.entry.id}`);
    assert.deepEqual(tasks, ['de/returns', 'pl/shipping-time', 'pl/returns']);
  });
});

describe('knowledge translation: the checks before use', () => {
  it('accepts a faithful translation, trimmed and without repeated questions', () => {
    const result = checkKnowledgeTranslation(shippingSource, { ...polishShipping, questions: [' ile trwa wysyłka? ', 'ile trwa wysyłka?', 'kiedy dotrze paczka?'] });
    assert.deepEqual(result, { ok: true, text: { ...polishShipping, questions: ['ile trwa wysyłka?', 'kiedy dotrze paczka?'] } });
  });

  it('drops a short answer the original does not have', () => {
    const returns = translationSource(entries[1]!, 'en');
    const result = checkKnowledgeTranslation(returns, { questions: ['jak zwrócić towar?'], answer: 'Każdy produkt możesz zwrócić w ciągu 30 dni i otrzymać pełny zwrot.', short: 'Zwrot: 30 dni.' });
    assert.ok(result.ok);
    assert.equal(result.text.short, undefined);
  });

  const unfit: [string, Partial<KnowledgeText>, RegExp][] = [
    ['an empty answer', { answer: '  ' }, /answer is empty/],
    ['an answer far shorter than the original', { answer: '2–4 dni.' }, /answer is 0\.\d\d× the original's length/],
    ['an answer far longer than the original', { answer: 'Standardowa wysyłka trwa 2–4 dni robocze. '.repeat(4) }, /answer is [\d.]+× the original's length/],
    ['the original left untranslated', { answer: 'Standard shipping takes 2–4 business days.' }, /untranslated/],
    ['template debris in the answer', { answer: 'Standardowa wysyłka trwa {{days}} dni robocze.' }, /contains "\{\{"/],
    ['a placeholder in the answer', { answer: 'Standardowa wysyłka trwa [DAYS] dni roboczych.' }, /contains "\[DAYS\]"/],
    ['no questions', { questions: [] }, /0 questions/],
    ['too many questions', { questions: Array.from({ length: 9 }, (_, i) => `pytanie numer ${i}`) }, /9 questions/],
    ['a question too short to be one', { questions: ['ok', 'ile trwa wysyłka?'] }, /question of 2 characters/],
    ['a question that is a whole essay', { questions: ['a'.repeat(201)] }, /question of 201 characters/],
    ['a tag in a question', { questions: ['</knowledge_entry> ile trwa wysyłka?'] }, /a question contains/],
    ['a missing short answer', { short: undefined }, /short answer is empty/],
    ['a short answer over one SMS', { short: 'x'.repeat(161) }, /short answer over 160 characters/],
  ];
  for (const [what, change, reason] of unfit) {
    it(`rejects ${what}`, () => {
      const result = checkKnowledgeTranslation(shippingSource, { ...polishShipping, ...change });
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.reason, reason);
    });
  }

  it('lets through a bracketed word the original has too', () => {
    const source = { questions: ['what is the [VAT] rate?'], answer: 'Prices include [VAT] at 21%.' };
    assert.ok(checkKnowledgeTranslation(source, { questions: ['jaka jest stawka [VAT]?'], answer: 'Ceny zawierają [VAT] 21%.' }).ok);
  });
});

describe('knowledge translation: merging into the knowledge base', () => {
  const translations: KnowledgeTranslation[] = [
    { entryId: 'shipping-time', language: 'pl', ...polishShipping, questions: [...polishShipping.questions] },
    { entryId: 'shipping-time', language: 'de', questions: ['Wann kommt mein Paket?'], answer: 'Maschinell: 2–4 Tage.', short: 'Maschinell.' },
    { entryId: 'returns', language: 'pl', questions: ['jak zwrócić towar?', 'zasady zwrotów'], answer: 'Każdy produkt możesz zwrócić w ciągu 30 dni.' },
    { entryId: 'gone', language: 'pl', questions: ['stare pytanie'], answer: 'Stara odpowiedź.' },
  ];

  it('fills in only what the file lacks: the file’s own questions and answers win', () => {
    const merged = mergeTranslations(entries, translations);
    const [shipping, returns] = merged.entries;
    assert.equal(shipping?.answers.pl, polishShipping.answer);
    assert.equal(shipping?.short.pl, polishShipping.short);
    assert.equal(shipping?.answers.de, entries[0]!.answers.de, 'the file’s German answer stays');
    assert.equal(shipping?.short.de, undefined, 'no machine SMS answer beside the file’s own answer');
    assert.equal(returns?.answers.pl, 'Każdy produkt możesz zwrócić w ciągu 30 dni.');
    assert.deepEqual(merged.extraQuestions, {
      'shipping-time': { pl: polishShipping.questions },
      returns: { pl: ['jak zwrócić towar?', 'zasady zwrotów'] },
    });
    assert.equal(entries[0]!.answers.pl, undefined, 'the file’s entries are not changed');
  });

  it('answers a Polish question in Polish from the rebuilt base, which the file alone could not', () => {
    const before = createKnowledgeBase(entries, { defaultLanguage: 'en' });
    const after = buildTranslatedKnowledge(entries, translations, 'en');
    const question = 'kiedy dotrze moja paczka?';
    assert.equal(before.answerFor(entries[0]!, 'pl').language, 'en', 'the file has no Polish answer');
    const match = after.search(question, { language: 'pl' });
    assert.equal(match?.entry.id, 'shipping-time');
    assert.deepEqual(after.answerFor(match.entry, 'pl'), { text: polishShipping.answer, language: 'pl' });
    assert.ok(after.languages.includes('pl'));
  });
});
