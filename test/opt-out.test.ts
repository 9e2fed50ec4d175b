import assert from 'node:assert/strict';
import { decideCompliance, detectOptOutKeyword } from '../src/engine/opt-out.js';

describe('opt-out keywords', () => {
  it('recognizes the carrier keywords alone in a message, any case, with stray punctuation', () => {
    for (const word of ['STOP', 'stop', ' Stop! ', 'STOPALL', 'unsubscribe', 'END', 'quit', 'REVOKE', 'OPTOUT', 'opt out', 'cancel.']) {
      assert.deepEqual(detectOptOutKeyword(word), { command: 'stop' }, word);
    }
    for (const word of ['START', 'yes', 'Unstop']) assert.deepEqual(detectOptOutKeyword(word), { command: 'start' }, word);
    for (const word of ['HELP', 'info?']) assert.deepEqual(detectOptOutKeyword(word), { command: 'help' }, word);
  });

  it('recognizes equivalents in our languages and names the language when only one has the word', () => {
    assert.deepEqual(detectOptOutKeyword('Atteikties'), { command: 'stop', language: 'lv' });
    assert.deepEqual(detectOptOutKeyword('BAJA'), { command: 'stop', language: 'es' });
    assert.deepEqual(detectOptOutKeyword('abmelden'), { command: 'stop', language: 'de' });
    assert.deepEqual(detectOptOutKeyword('ARRÊT'), { command: 'stop', language: 'fr' });
    assert.deepEqual(detectOptOutKeyword('palīdzība'), { command: 'help', language: 'lv' });
    assert.deepEqual(detectOptOutKeyword('FIN'), { command: 'stop' }, 'Spanish and French: no language');
    assert.deepEqual(detectOptOutKeyword('ja'), { command: 'start' }, 'German and Latvian: no language');
  });

  it('ignores keywords inside a longer message: "stop sending me the wrong size" is a complaint, not an opt-out', () => {
    for (const text of ['stop sending me the wrong size', 'I need help with my order', 'yes please', '']) {
      assert.equal(detectOptOutKeyword(text), undefined, text);
    }
  });
});

describe('compliance decision', () => {
  it('opts out on SMS and WhatsApp with one confirmation', () => {
    for (const channel of ['sms', 'whatsapp'] as const) {
      assert.deepEqual(decideCompliance({ channel, text: 'STOP', optedOut: false }), { action: 'opt_out', replyKey: 'optOutConfirmation', optedOut: true });
    }
  });

  it('stays silent to an opted-out customer, also for a second STOP and for HELP', () => {
    for (const text of ['STOP', 'HELP', 'where is my order?']) {
      assert.deepEqual(decideCompliance({ channel: 'sms', text, optedOut: true }), { action: 'silence', optedOut: true }, text);
    }
  });

  it('opts back in on START / YES only when opted out; a subscribed "yes" is an ordinary answer', () => {
    assert.deepEqual(decideCompliance({ channel: 'sms', text: 'START', optedOut: true }), { action: 'opt_in', replyKey: 'optInConfirmation', optedOut: false });
    assert.deepEqual(decideCompliance({ channel: 'sms', text: 'sākt', optedOut: true }), { action: 'opt_in', replyKey: 'optInConfirmation', optedOut: false, language: 'lv' });
    assert.equal(decideCompliance({ channel: 'sms', text: 'yes', optedOut: false }), undefined);
  });

  it('answers HELP / INFO with the help text', () => {
    assert.deepEqual(decideCompliance({ channel: 'whatsapp', text: 'ayuda', optedOut: false }), { action: 'help', replyKey: 'optOutHelp', optedOut: false, language: 'es' });
  });

  it('leaves the web chat alone: STOP there is just a message', () => {
    assert.equal(decideCompliance({ channel: 'web', text: 'STOP', optedOut: false }), undefined);
  });
});
