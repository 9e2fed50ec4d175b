import assert from 'node:assert/strict';
import { capabilitiesOf, withinReplyWindow } from '../src/channel-capabilities.js';

const HOUR = 60 * 60 * 1000;
const now = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('channel capabilities', () => {
  it('gives SMS short answers, phone-addressed channels their compliance keywords, and web chat neither', () => {
    assert.deepEqual(
      (['sms', 'whatsapp', 'web', 'botframework'] as const).map((c) => [c, capabilitiesOf(c).shortAnswers, capabilitiesOf(c).complianceKeywords, capabilitiesOf(c).phoneAddressed]),
      [
        ['sms', true, true, true],
        ['whatsapp', false, true, true],
        ['web', false, false, false],
        ['botframework', false, false, false],
      ],
    );
  });

  it("keeps WhatsApp's 24-hour reply window, with a margin when asked, and no window elsewhere", () => {
    assert.equal(withinReplyWindow('whatsapp', ago(23 * HOUR), now), true);
    assert.equal(withinReplyWindow('whatsapp', ago(24 * HOUR), now), false);
    assert.equal(withinReplyWindow('whatsapp', ago(23.5 * HOUR), now, HOUR), false);
    assert.equal(withinReplyWindow('whatsapp', null, now), false);
    assert.equal(withinReplyWindow('sms', null, now), true);
    assert.equal(withinReplyWindow('web', ago(30 * 24 * HOUR), now, HOUR), true);
  });
});
