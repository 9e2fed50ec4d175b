/**
 * Hostile text: every channel caps a message's length before anything reads it, and the patterns that read
 * customer text take linear time. Nothing here measures time (`npm run bench:hostile` prints the figures); the
 * inputs are ones the quadratic patterns needed far longer than the suite's timeout for (redaction: 38 s on
 * 50 KB of Chinese; the opt-out check: a minute on 300 KB of " ."), so a regression fails by timing out.
 */
import assert from 'node:assert/strict';
import { redactPii } from '../src/engine/pii.js';
import { detectOptOutKeyword } from '../src/engine/opt-out.js';
import { createLanguageRequestMatcher } from '../src/engine/language-requests.js';
import { mapActivity } from '../adapters/botframework/botframework-adapter.js';
import { MAX_ACTIVITY_TEXT } from '../adapters/botframework/botframework-schemas.js';
import { toTwilioInbound } from '../adapters/twilio/twilio-inbound.js';

function activityWithText(text: string) {
  return {
    type: 'message',
    id: '1',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:3978/',
    from: { id: 'u' },
    recipient: { id: 'b' },
    conversation: { id: 'c' },
    text,
  };
}

describe('length caps before any processing', () => {
  it('refuses Bot Framework text over 4,000 characters with the reason, like the other channels', () => {
    assert.equal(MAX_ACTIVITY_TEXT, 4000);
    assert.deepEqual(mapActivity(activityWithText('a'.repeat(4001)), new Date()), { ok: false, reason: 'text: must be at most 4000 characters' });
    const taken = mapActivity(activityWithText('a'.repeat(4000)), new Date());
    assert.ok(taken.ok && taken.event.kind === 'message' && taken.event.inbound.text.length === 4000);
  });

  it('cuts a longer Twilio body to 4,000 characters (Twilio does not redeliver a refused webhook)', () => {
    const inbound = toTwilioInbound({ MessageSid: `SM${'0'.repeat(32)}`, From: '+37120000000', Body: 'ā'.repeat(250_000) }, new Date());
    assert.equal(inbound.text.length, 4000);
  });
});

describe('linear-time patterns on customer text', () => {
  const KB50 = 50 * 1024;

  it('redacts 50 KB of letters, emoji, digit runs and separator runs', () => {
    for (const text of ['你好说中文'.repeat(KB50 / 5), 'a'.repeat(KB50), '😀'.repeat(KB50 / 2), `1${' .'.repeat(KB50 / 2)}1`, '1 '.repeat(KB50 / 2)]) {
      assert.equal(typeof redactPii(text).text, 'string');
    }
    // A run of separators after a phone number is not part of it.
    assert.equal(redactPii(`call +371 2000 0000${' .'.repeat(KB50 / 2)}x`).text, `call [PHONE_1]${' .'.repeat(KB50 / 2)}x`);
  });

  it('still finds e-mail addresses wherever their run of characters starts', () => {
    assert.equal(redactPii('mail ana.b+x@example.com, (jo@mail.example.lv) or ēriks@piemērs.lv.').text, 'mail [EMAIL_1], ([EMAIL_2]) or [EMAIL_3].');
    assert.equal(redactPii('x'.repeat(5000) + '@example.com').vault.findings[0]?.value.length, 5012);
  });

  it('reads an opt-out keyword among surrounding punctuation and symbols, and 300 KB of punctuation in no time', () => {
    assert.deepEqual(detectOptOutKeyword('  STOP!!! '), { command: 'stop' });
    assert.deepEqual(detectOptOutKeyword('🛑 stop 🛑'), { command: 'stop' });
    assert.deepEqual(detectOptOutKeyword('«Ayuda»'), { command: 'help', language: 'es' });
    assert.equal(detectOptOutKeyword(`1${' .'.repeat(150_000)}1`), undefined);
    assert.equal(detectOptOutKeyword(`STOP${'!'.repeat(300)}`), undefined, 'a keyword is a short message');
  });

  it('takes a language request only from a short message', () => {
    const matcher = createLanguageRequestMatcher(['en', 'lv', 'ru']);
    assert.equal(matcher.match('in English please'), 'en');
    assert.equal(matcher.match(`English ${'!'.repeat(KB50)}`), undefined);
  });
});
