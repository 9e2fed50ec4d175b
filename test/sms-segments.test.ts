import assert from 'node:assert/strict';
import { countSmsSegments } from '../adapters/twilio/sms-segments.js';
import { MAX_TWILIO_BODY, splitForSms } from '../adapters/twilio/sms-split.js';

describe('SMS segments', () => {
  it('counts GSM-7: 160 septets in one segment, 153 per part beyond', () => {
    assert.deepEqual(countSmsSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.deepEqual(countSmsSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 });
    assert.deepEqual(countSmsSegments('a'.repeat(306)), { encoding: 'GSM-7', units: 306, segments: 2 });
    assert.deepEqual(countSmsSegments('a'.repeat(307)), { encoding: 'GSM-7', units: 307, segments: 3 });
  });

  it('counts extension-table characters (€ [ ] { } ^ ~ | \\) as two septets', () => {
    assert.deepEqual(countSmsSegments('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.deepEqual(countSmsSegments(`${'a'.repeat(159)}€`), { encoding: 'GSM-7', units: 161, segments: 2 });
  });

  it('switches the whole text to UCS-2 for one character outside GSM-7: 70 per segment, 67 per part', () => {
    assert.deepEqual(countSmsSegments('ā'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 });
    assert.deepEqual(countSmsSegments('ā'.repeat(71)), { encoding: 'UCS-2', units: 71, segments: 2 });
    assert.deepEqual(countSmsSegments('ā'.repeat(134)), { encoding: 'UCS-2', units: 134, segments: 2 });
    assert.deepEqual(countSmsSegments('ā'.repeat(135)), { encoding: 'UCS-2', units: 135, segments: 3 });
    // An emoji is a surrogate pair: two UCS-2 units.
    assert.deepEqual(countSmsSegments('🙂'), { encoding: 'UCS-2', units: 2, segments: 1 });
  });

  it('shows why a long answer costs more in Latvian than in English: the same 150 characters, 1 vs 3 segments', () => {
    const english = 'Delivery in Riga takes 1-2 working days, elsewhere in Latvia 2-4 days. You get a tracking link by e-mail once the parcel leaves our store. Thanks!'.slice(0, 150);
    const latvian = 'Piegāde Rīgā aizņem 1-2 darba dienas, citur Latvijā 2-4 dienas. Izsekošanas saiti saņemsiet e-pastā, tiklīdz sūtījums atstās mūsu veikalu. Paldies!'.slice(0, 150);
    assert.equal(countSmsSegments(english).segments, 1);
    assert.equal(countSmsSegments(latvian).encoding, 'UCS-2');
    assert.equal(countSmsSegments(latvian).segments, 3);
  });
});

describe('SMS splitting', () => {
  it('sends an answer up to 1600 characters as one message, untouched', () => {
    const text = `${'Short sentence. '.repeat(99)}End.`;
    assert.ok(text.length <= MAX_TWILIO_BODY);
    assert.deepEqual(splitForSms(text), [text]);
  });

  it('splits beyond 1600 characters at sentence boundaries, every part within the limit', () => {
    const sentences = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} explains one more detail of the return policy.`);
    const text = sentences.join(' ');
    assert.ok(text.length > MAX_TWILIO_BODY);
    const parts = splitForSms(text);
    assert.ok(parts.length >= 2);
    for (const part of parts) {
      assert.ok(part.length <= MAX_TWILIO_BODY);
      assert.match(part, /^Sentence number \d+ .*policy\.$/, 'each part starts and ends at a sentence boundary');
    }
    assert.equal(parts.join(' '), text, 'nothing lost or reordered');
  });

  it('falls back to word boundaries for a sentence longer than the limit, and to code points for a giant word', () => {
    const words = splitForSms('word '.repeat(50).trim(), 32);
    assert.ok(words.every((p) => p.length <= 32 && !p.startsWith(' ') && /^(word ?)+$/.test(p)));
    const emoji = splitForSms('🙂'.repeat(10), 5);
    assert.ok(emoji.every((p) => p.length <= 5 && !/[\uD800-\uDBFF]$/.test(p)), 'no surrogate pair is halved');
    assert.equal(emoji.join(''), '🙂'.repeat(10));
  });
});
