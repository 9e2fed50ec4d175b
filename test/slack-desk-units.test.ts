import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sinon from 'sinon';
import { z } from 'zod';
import { projectPath } from '../src/paths.js';
import { verifySlackSignature } from '../adapters/slack/slack-signature.js';
import { ACTION_IDS, cardBlocks } from '../adapters/slack/slack-blocks.js';
import { escapeMrkdwn } from '../adapters/slack/slack-mrkdwn.js';
import { parseBusinessHours } from '../src/handoff/business-hours.js';
import { estimateWaitMinutes } from '../src/handoff/wait-estimate.js';
import type { QueueCard } from '../src/handoff/agent-desk.js';

const vectors = z
  .object({ slack: z.array(z.object({ signingSecret: z.string(), timestamp: z.string(), body: z.string(), signature: z.string() })).min(1) })
  .parse(JSON.parse(readFileSync(projectPath('test', 'fixtures', 'vectors', 'signatures.json'), 'utf8')));

describe('Slack request signature', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => clock?.restore());

  for (const v of vectors.slack) {
    it('verifies Slack\'s published example with the clock pinned at its timestamp, and not 301 s later', () => {
      clock = sinon.useFakeTimers({ now: Number(v.timestamp) * 1000, toFake: ['Date'] });
      const input = { signingSecret: v.signingSecret, rawBody: v.body, timestamp: v.timestamp, signature: v.signature };
      verifySlackSignature(input);
      clock.tick(300_000);
      verifySlackSignature(input);
      clock.tick(1000);
      assert.throws(() => verifySlackSignature(input), { code: 'signature_expired' });
    });

    it('rejects the example 301 s before its timestamp too (symmetric window)', () => {
      clock = sinon.useFakeTimers({ now: (Number(v.timestamp) - 301) * 1000, toFake: ['Date'] });
      assert.throws(() => verifySlackSignature({ signingSecret: v.signingSecret, rawBody: v.body, timestamp: v.timestamp, signature: v.signature }), {
        code: 'signature_expired',
      });
    });

    it('rejects a one-character change to body or signature, and a missing header', () => {
      clock = sinon.useFakeTimers({ now: Number(v.timestamp) * 1000, toFake: ['Date'] });
      const base = { signingSecret: v.signingSecret, rawBody: v.body, timestamp: v.timestamp, signature: v.signature };
      assert.throws(() => verifySlackSignature({ ...base, rawBody: `${v.body}x` }), { code: 'signature_invalid' });
      const flipped = v.signature.slice(0, -1) + (v.signature.endsWith('0') ? '1' : '0');
      assert.throws(() => verifySlackSignature({ ...base, signature: flipped }), { code: 'signature_invalid' });
      assert.throws(() => verifySlackSignature({ ...base, signature: undefined }), { code: 'signature_missing' });
    });
  }
});

describe('queue card blocks', () => {
  const card: QueueCard = {
    handoffId: 7,
    status: 'queued',
    reason: 'asked_for_human',
    channel: 'sms',
    customerName: null,
    customerAddress: '+37120000000',
    language: 'lv',
    languageReason: 'detected from 2 messages',
    lastMessages: [{ author: 'customer', agentName: null, text: 'gribu runāt ar cilvēku <!channel>' }],
    position: 2,
  };

  it('shows channel, language with its reason, reason, transcript and Claim/Close for a queued card', () => {
    const text = JSON.stringify(cardBlocks(card));
    for (const part of ['*Channel*\\nsms', '*Language*\\nlv (detected from 2 messages)', 'asked for a person', '#2 in the queue', ACTION_IDS.claim, ACTION_IDS.close]) {
      assert.ok(text.includes(part), part);
    }
    assert.ok(!text.includes('<!channel>'), 'customer text must not ping the channel');
  });

  it('shows who claimed and no Claim button once claimed', () => {
    const text = JSON.stringify(cardBlocks({ ...card, status: 'claimed', claimedBy: { id: 'U1', name: 'Anna' }, position: 0 }));
    assert.ok(text.includes('Claimed by <@U1>'));
    assert.ok(!text.includes(ACTION_IDS.claim));
  });

  it('escapes Slack control characters', () => {
    assert.equal(escapeMrkdwn('a <b> & c'), 'a &lt;b&gt; &amp; c');
  });
});

describe('business hours', () => {
  const hours = parseBusinessHours('Mon-Fri 09:00-17:00 Europe/Riga');

  it('is open on a weekday inside the hours in the given zone, across daylight saving', () => {
    assert.equal(hours.isOpen(new Date('2025-05-05T06:00:00Z')), true); // Mon 09:00 EEST
    assert.equal(hours.isOpen(new Date('2025-05-05T05:59:00Z')), false);
    assert.equal(hours.isOpen(new Date('2025-05-05T14:00:00Z')), false); // 17:00 is closing time
    assert.equal(hours.isOpen(new Date('2025-01-06T07:00:00Z')), true); // Mon 09:00 EET
  });

  it('finds the next opening over a weekend and a DST change', () => {
    assert.equal(hours.nextOpening(new Date('2025-05-03T12:00:00Z')).toISOString(), '2025-05-05T06:00:00.000Z');
    assert.equal(hours.nextOpening(new Date('2025-10-24T15:00:00Z')).toISOString(), '2025-10-27T07:00:00.000Z');
    assert.match(hours.describeNextOpening(new Date('2025-05-03T12:00:00Z'), 'en'), /Monday.*09:00/);
  });

  it('reads several windows and rejects bad specs naming the problem', () => {
    const two = parseBusinessHours('Mon-Fri 09:00-17:00, Sat 10:00-14:00 Europe/Riga');
    assert.equal(two.isOpen(new Date('2025-05-03T08:00:00Z')), true); // Sat 11:00
    assert.throws(() => parseBusinessHours('Mon-Fri 09:00-17:00 Mars/Olympus'), /unknown time zone/);
    assert.throws(() => parseBusinessHours('Mon-Fri 17:00-09:00 Europe/Riga'), /ends before it starts/);
    assert.throws(() => parseBusinessHours('Someday 09:00-17:00 Europe/Riga'), /unknown day/);
  });
});

describe('wait estimate', () => {
  it('uses the median recent wait times the queue position, and a fallback without history', () => {
    assert.equal(estimateWaitMinutes([], 2, 5), 10);
    assert.equal(estimateWaitMinutes([60_000, 120_000, 3_600_000], 1), 2);
    assert.equal(estimateWaitMinutes([1000], 1), 1);
  });
});
