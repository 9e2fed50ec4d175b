import assert from 'node:assert/strict';
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
