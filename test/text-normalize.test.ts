import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeText } from '../src/engine/text-normalize.js';

describe('normalizeText across scripts', () => {
  it('folds Latin and Cyrillic accents but keeps Devanagari vowel signs and drops Arabic harakat', () => {
    assert.equal(normalizeText('Pasūtījumu?!'), 'pasutijumu');
    assert.equal(normalizeText('Ещё'), 'еще');
    assert.equal(normalizeText('मेरा ऑर्डर कहाँ है?'), 'मेरा ऑर्डर कहाँ है'.normalize('NFC'));
    assert.notEqual(normalizeText('की'), normalizeText('क'));
    assert.equal(normalizeText('طَلَبِي'), 'طلبي');
  });
});

describe('normalizeText on plain ASCII', () => {
  it('folds as the Unicode steps do', () => {
    // A leading no-break space (not ASCII, and folded away as punctuation) sends the same text down the Unicode steps.
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (text) => normalizeText(text) === normalizeText(`\u00a0${text}`)), { numRuns: 2000 });
  });
});
