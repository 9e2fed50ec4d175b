import assert from 'node:assert/strict';
import { countryNameRows } from '../src/understanding/country-names.js';
import { normalizeText, words } from '../src/engine/text-normalize.js';
import { createKnowledgeBase } from '../src/engine/knowledge.js';
import { shippedSynonymLexicon, type SynonymLexicon } from '../src/understanding/synonym-lexicon.js';

describe('country names in the lexicon', function () {
  let lexicon: SynonymLexicon;
  before(function () {
    this.timeout(60_000); // the shipped lexicon is read once per process
    lexicon = shippedSynonymLexicon();
  });

  it("names every country in each of the lexicon's languages, from ICU", () => {
    const rows = countryNameRows([{ concept: 'price', language: 'pl', terms: ['cena'] }, { concept: 'price', language: 'ja', terms: ['値段'] }]);
    const polish = rows.find((row) => row.language === 'pl')?.terms ?? [];
    assert.ok(polish.includes('Japonia') && polish.includes('Niemcy') && polish.includes('Kanada'), polish.slice(0, 10).join(', '));
    assert.ok(polish.length > 200, `${polish.length} names`);
    assert.ok(rows.find((row) => row.language === 'ja')?.terms.includes('アメリカ合衆国'));
    assert.deepEqual([...new Set(rows.map((row) => row.concept))], ['country']);
  });

  it('leaves out a name the lexicon already gives another meaning in that language, and names too short to tell', () => {
    const rows = countryNameRows([{ concept: 'cancel', language: 'fi', terms: ['peru', 'peruuttaa'] }]);
    const finnish = rows[0]?.terms ?? [];
    assert.ok(!finnish.includes('Peru'), 'Finnish "peru" is a cancellation');
    assert.ok(finnish.includes('Japani'));
    assert.ok(finnish.every((name) => [...name].length >= 3));
  });

  it('lets a question naming a country reach the entry whose variants name another one (shipped lexicon)', () => {
    assert.ok(lexicon.concepts(words(normalizeText('czy wysyłacie do Japonii?')), 'pl').includes('country'), 'an inflected Polish name is found by its stem');
    const knowledge = createKnowledgeBase(
      [
        { id: 'abroad', questions: { en: ['do you deliver to Germany?', 'can you ship to France?'] }, answers: { en: 'We ship to 30 countries.' }, handoff: false, short: {} },
        { id: 'cost', questions: { en: ['how much is delivery?', 'delivery cost'] }, answers: { en: 'Delivery is €5.' }, handoff: false, short: {} },
        { id: 'hours', questions: { en: ['when are you open?', 'opening hours'] }, answers: { en: '9 to 5.' }, handoff: false, short: {} },
      ],
      { lexicon },
    );
    assert.equal(knowledge.rank('do you deliver to Australia?', { language: 'en' })[0]?.entry.id, 'abroad');
    assert.equal(knowledge.rank('¿envían a Japón?', { language: 'es' })[0]?.entry.id, 'abroad');
  });
});
