import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKnowledgeBase, type KnowledgeEntry } from '../src/engine/knowledge.js';
import { RERANK_FEATURES } from '../src/understanding/answer-reranker.js';
import { loadIntentModel, shippedIntentModel } from '../src/understanding/intent-model.js';
import { FEATURES, readMessage } from '../src/understanding/knowledge-matcher.js';
import { encodeModelFile } from '../src/understanding/model-file.js';
import { shippedSynonymLexicon } from '../src/understanding/synonym-lexicon.js';

/** The kind the shipped model reads in a text. */
function kindOf(text: string, language: string): string {
  const model = shippedIntentModel();
  const probabilities = model.probabilities(readMessage(text, language, shippedSynonymLexicon()));
  let best = 0;
  probabilities.forEach((p, c) => (best = p > (probabilities[best] ?? 0) ? c : best));
  return model.classes[best] ?? '';
}

describe('the kinds of questions common to FAQs', () => {
  // Written for this test, not taken from the labelled bases the model learnt from.
  const phrasings: [string, string, string][] = [
    ['en', 'r u open late on fridays?', 'hours'],
    ['de', 'habt ihr am Sonntag offen?', 'hours'],
    ['fr', 'vous êtes ouverts le 25 décembre ?', 'holiday'],
    ['en', 'do u take amex', 'payment'],
    ['it', "c'è un parcheggio vicino?", 'location'],
    ['en', 'i need to call off my booking for tomorrow', 'cancel'],
    ['es', 'quiero anular mi reserva', 'cancel'],
    ['en', 'whats the weather like in paris', 'other'],
    ['en', 'my kid wants a blue cake with dinosaurs', 'other'],
  ];
  for (const [language, text, kind] of phrasings) {
    it(`reads "${text}" as ${kind}`, () => assert.equal(kindOf(text, language), kind));
  }

  it('tell the reranker which entry asks the same kind of question as the message', () => {
    const entry = (id: string, question: string, answer: string): KnowledgeEntry => ({ id, handoff: false, questions: { en: [question] }, answers: { en: answer }, short: {} });
    const knowledge = createKnowledgeBase([
      entry('opening-hours', 'What are your opening hours?', 'Monday to Friday 9:00–18:00.'),
      entry('payment-methods', 'Which payment methods do you accept?', 'Cards, cash and bank transfer.'),
      entry('custom-cakes', 'Do you make cakes to order?', 'Yes, with a week’s notice.'),
    ]);
    const agreement = RERANK_FEATURES.indexOf('intentAgreement');
    const { candidates } = knowledge.look('r u open late on fridays?', { language: 'en' });
    const byEntry = new Map(candidates.map((c) => [knowledge.entries[c.index]?.id, c.features[agreement] ?? 0]));
    assert.ok((byEntry.get('opening-hours') ?? 0) > 0.5, `opening hours agree: ${byEntry.get('opening-hours')}`);
    assert.ok((byEntry.get('payment-methods') ?? 1) < 0.1);
    assert.ok((byEntry.get('custom-cakes') ?? 1) < 0.1);
  });

  it('refuses a model file that is not one, or that reads texts otherwise than the matcher, naming the file and the fix', () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchboard-intents-'));
    const garbage = join(folder, 'garbage.bin');
    writeFileSync(garbage, 'not a model');
    assert.throws(() => loadIntentModel(garbage), (error: Error) => error.message.startsWith(garbage) && error.message.includes('npm run train:reranker'));
    const other = join(folder, 'other-features.bin');
    const model = { classes: 2, dimensions: 16, weights: new Float32Array(32), bias: new Float32Array(2) };
    writeFileSync(other, encodeModelFile({ classes: ['other', 'hours'], features: { ...FEATURES, dimensions: 16 }, model, info: {} }));
    assert.throws(() => loadIntentModel(other), /other-features\.bin: learnt on other features than the knowledge matcher reads; run `npm run train:reranker`/);
  });
});
