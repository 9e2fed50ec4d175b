import assert from 'node:assert/strict';
import { createTwilioClient } from '../adapters/twilio/twilio-client.js';
import { createTwilioSender, type TwilioSenderOptions } from '../adapters/twilio/twilio-sender.js';
import { ChannelError } from '../src/errors.js';
import { OutcomeUnknownError } from '../src/outbox/delivery-attempt.js';
import type { Outbound } from '../src/model.js';
import { startFakeTwilio, TWILIO_FAILURES, type FakeTwilio } from './fakes/fake-twilio.js';
import { createTranslator } from '../src/i18n.js';
import { createPersonLabel } from '../src/person-label.js';

const personLabel = createPersonLabel(createTranslator({ defaultLanguage: 'en' }), 'en');

const NOW = new Date('2025-03-01T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const TEMPLATE = `HX${'a'.repeat(32)}`;

function outbound(channel: 'sms' | 'whatsapp', text = 'Delivery takes 2-4 days.', extra: Partial<Outbound> = {}): Outbound {
  return { to: { channel, id: '+37120000001' }, text, author: 'bot', messageId: 7, conversationId: 3, ...extra };
}

describe('Twilio sender (real twilio client against the fake REST API)', () => {
  let fake: FakeTwilio;
  let lastInboundAt: Date | undefined;
  let optedOut: boolean;

  function sender(overrides: Partial<TwilioSenderOptions> = {}) {
    return createTwilioSender({
      client: createTwilioClient({ accountSid: fake.accountSid, authToken: fake.authToken, apiUrl: fake.url }),
      smsFrom: '+14155550100',
      whatsappFrom: '+14155238886',
      statusCallbackUrl: 'https://support.example.com/twilio/status',
      lastInboundAt: async () => lastInboundAt,
      isOptedOut: async () => optedOut,
      isRecorded: async () => false,
      personLabel,
      now: () => NOW,
      ...overrides,
    });
  }

  const rejectsWith = async (promise: Promise<unknown>, retryable: boolean, code: string | undefined) =>
    assert.rejects(promise, (e: unknown) => e instanceof ChannelError && e.retryable === retryable && e.providerCode === code);

  beforeEach(async () => {
    fake = await startFakeTwilio();
    lastInboundAt = new Date(NOW.getTime() - HOUR);
    optedOut = false;
  });
  afterEach(() => fake.close());

  it('creates an SMS with the body, sender and status callback, and returns the Message SID', async () => {
    const { providerId } = await sender().send(outbound('sms'));
    assert.equal(fake.messages.length, 1);
    const [sent] = fake.messages;
    assert.equal(providerId, sent?.sid);
    assert.deepEqual({ ...sent, sid: undefined, accountSid: undefined }, {
      sid: undefined,
      accountSid: undefined,
      to: '+37120000001',
      from: '+14155550100',
      messagingServiceSid: undefined,
      body: 'Delivery takes 2-4 days.',
      contentSid: undefined,
      contentVariables: undefined,
      statusCallback: 'https://support.example.com/twilio/status',
    });
  });

  it("marks an agent's message as from a person, in the conversation's language", async () => {
    await sender().send(outbound('sms', 'Tu pedido ha salido hoy.', { author: 'agent', agentName: 'Ana', language: 'es' }));
    await sender().send(outbound('whatsapp', 'Your parcel left today.', { author: 'agent', agentName: 'Ana', language: 'en' }));
    assert.match(fake.messages[0]?.body ?? '', /^Ana \(.+\): Tu pedido ha salido hoy\.$/);
    assert.notEqual(fake.messages[0]?.body, 'Ana (a person from our team): Tu pedido ha salido hoy.', 'label in Spanish, not English');
    assert.equal(fake.messages[1]?.body, 'Ana (a person from our team): Your parcel left today.');
    await sender().send(outbound('sms', 'Delivery takes 2-4 days.'));
    assert.equal(fake.messages[2]?.body, 'Delivery takes 2-4 days.', 'bot messages carry no person label');
  });

  it('sends through a Messaging Service when TWILIO_SMS_FROM is an MG SID', async () => {
    await sender({ smsFrom: `MG${'b'.repeat(32)}` }).send(outbound('sms'));
    assert.equal(fake.messages[0]?.messagingServiceSid, `MG${'b'.repeat(32)}`);
    assert.equal(fake.messages[0]?.from, undefined);
  });

  it('splits an answer past 1600 characters into several messages at sentence boundaries', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `Step ${i}: pack the item in its original box and attach the return label.`).join(' ');
    await sender().send(outbound('sms', text));
    assert.ok(fake.messages.length >= 2);
    assert.equal(fake.messages.map((m) => m.body).join(' '), text);
  });

  it('resumes a long SMS after the part that failed: a retry never sends an earlier part again', async () => {
    const text = Array.from({ length: 70 }, (_, i) => `Step ${i}: pack the item in its original box and attach the return label.`).join(' ');
    const recorded: string[] = [];
    const progress = { get sentParts() { return [...recorded]; }, recordPart: async (sid: string) => void recorded.push(sid) };
    fake.failNext('pass', TWILIO_FAILURES.serverError);
    await rejectsWith(sender().send(outbound('sms', text), progress), true, '20500');
    assert.equal(fake.messages.length, 1);
    assert.deepEqual(recorded, [fake.messages[0]?.sid]);

    const { providerId } = await sender().send(outbound('sms', text), progress);
    assert.ok(fake.messages.length >= 3, 'the text needs three parts or more');
    assert.equal(fake.messages.map((m) => m.body).join(' '), text, 'each part once, in order');
    assert.equal(providerId, fake.messages[0]?.sid, 'status callbacks match the first part');
    assert.deepEqual(recorded, fake.messages.slice(0, -1).map((m) => m.sid), 'every part but the last is recorded');
  });

  it('classifies 429, 5xx and a dropped connection as retryable', async () => {
    fake.failNext(TWILIO_FAILURES.tooManyRequests, TWILIO_FAILURES.serverError, 'drop');
    await rejectsWith(sender().send(outbound('sms')), true, '20429');
    await rejectsWith(sender().send(outbound('sms')), true, '20500');
    await assert.rejects(sender().send(outbound('sms')), (e: unknown) => e instanceof ChannelError && e.retryable);
    assert.equal(fake.messages.length, 0);
    assert.equal(fake.attempts, 3, 'the SDK itself does not retry; the outbox does');
  });

  it('classifies 408 as retryable and keeps the Retry-After Twilio sends with a refusal', async () => {
    fake.failNext(TWILIO_FAILURES.requestTimeout, { ...TWILIO_FAILURES.tooManyRequests, retryAfter: '30' });
    await rejectsWith(sender().send(outbound('sms')), true, '20408');
    await assert.rejects(sender().send(outbound('sms')), (e: unknown) => e instanceof ChannelError && e.retryable && e.retryAfterMs === 30_000);
  });

  it('tells a request that may have reached Twilio (connection lost after sending) from one that never left', async () => {
    fake.failNext('drop', 'lose-answer');
    await assert.rejects(sender().send(outbound('sms')), (e: unknown) => e instanceof OutcomeUnknownError && e.retryable);
    await assert.rejects(sender().send(outbound('sms')), (e: unknown) => e instanceof OutcomeUnknownError);
    assert.equal(fake.messages.length, 1, 'the second one was created: its outcome really is unknown');
    const closed = sender();
    await fake.close();
    await assert.rejects(closed.send(outbound('sms')), (e: unknown) => e instanceof ChannelError && e.retryable && !(e instanceof OutcomeUnknownError) && e.providerCode === 'ECONNREFUSED');
    fake = await startFakeTwilio();
  });

  describe('with the outbox row', () => {
    const attempt = (extra: { outcomeUnknownSince?: Date; sentParts?: string[] } = {}) => {
      const recorded: string[] = [...(extra.sentParts ?? [])];
      return { recorded, attempt: { outboxId: 17, sentParts: [...recorded], recordPart: async (sid: string) => void recorded.push(sid), ...extra } };
    };

    it("names the row (and the part of a long SMS) in each message's StatusCallback", async () => {
      await sender().send(outbound('sms'), attempt().attempt);
      assert.equal(fake.messages[0]?.statusCallback, 'https://support.example.com/twilio/status?outbox=17');
      const text = Array.from({ length: 40 }, (_, i) => `Step ${i}: pack the item in its original box and attach the return label.`).join(' ');
      await sender().send(outbound('sms', text), attempt().attempt);
      assert.deepEqual(fake.messages.slice(1).map((m) => m.statusCallback), [
        'https://support.example.com/twilio/status?outbox=17&part=1',
        'https://support.example.com/twilio/status?outbox=17&part=2',
      ]);
    });

    it('after an unknown outcome, takes the message Twilio already has instead of sending it again', async () => {
      const first = await sender().send(outbound('sms'), attempt().attempt);
      const again = await sender().send(outbound('sms'), attempt({ outcomeUnknownSince: NOW }).attempt);
      assert.equal(again.providerId, first.providerId);
      assert.equal(fake.messages.length, 1);
      assert.equal(fake.lookups, 1);
    });

    it('sends when Twilio lists no such message, or only one already recorded for another reply', async () => {
      await sender().send(outbound('sms', 'Some other text.'), attempt().attempt);
      await sender().send(outbound('sms'), attempt({ outcomeUnknownSince: NOW }).attempt);
      assert.equal(fake.messages.length, 2, 'another body is not ours');
      const recordedSid = fake.messages[1]?.sid;
      const { providerId } = await sender({ isRecorded: async (_channel, sid) => sid === recordedSid }).send(outbound('sms'), attempt({ outcomeUnknownSince: NOW }).attempt);
      assert.equal(fake.messages.length, 3, 'the same body, but recorded for an earlier reply');
      assert.equal(providerId, fake.messages[2]?.sid);
    });

    it('sends nothing while the lookup itself fails: the attempt is retried', async () => {
      fake.failUntil(new Date(Date.now() + 60_000));
      await assert.rejects(sender().send(outbound('sms'), attempt({ outcomeUnknownSince: NOW }).attempt), (e: unknown) => e instanceof ChannelError && e.retryable && /lookup/.test(e.message));
      assert.deepEqual([fake.lookups, fake.attempts], [1, 0]);
    });

    it('looks up only the first part not recorded of a long SMS, then sends the rest', async () => {
      const text = Array.from({ length: 70 }, (_, i) => `Step ${i}: pack the item in its original box and attach the return label.`).join(' ');
      fake.failNext('pass', 'lose-answer');
      const { recorded, attempt: first } = attempt();
      await assert.rejects(sender().send(outbound('sms', text), first), OutcomeUnknownError);
      assert.equal(fake.messages.length, 2, 'part 2 was created, its answer lost');
      const retry = { ...first, sentParts: [...recorded], outcomeUnknownSince: NOW };
      await sender().send(outbound('sms', text), retry);
      assert.equal(fake.messages.map((m) => m.body).join(' '), text, 'each part once, in order');
      assert.equal(fake.lookups, 1);
      assert.deepEqual(recorded, fake.messages.slice(0, -1).map((m) => m.sid));
    });
  });

  it('classifies 21610 and other 4xx as permanent, keeping the code', async () => {
    fake.failNext(TWILIO_FAILURES.unsubscribed, TWILIO_FAILURES.invalidTo);
    await rejectsWith(sender().send(outbound('sms')), false, '21610');
    await rejectsWith(sender().send(outbound('sms')), false, '21211');
  });

  it('fails closed on wrong credentials (401 from the API is permanent)', async () => {
    const wrong = createTwilioSender({
      client: createTwilioClient({ accountSid: fake.accountSid, authToken: 'not-the-token-at-all', apiUrl: fake.url }),
      smsFrom: '+14155550100',
      lastInboundAt: async () => lastInboundAt,
      isOptedOut: async () => false,
      isRecorded: async () => false,
      personLabel,
    });
    await rejectsWith(wrong.send(outbound('sms')), false, '20003');
  });

  it('sends WhatsApp free-form inside the 24-hour window', async () => {
    lastInboundAt = new Date(NOW.getTime() - 23 * HOUR);
    await sender({ whatsappTemplateSid: TEMPLATE }).send(outbound('whatsapp'));
    assert.deepEqual([fake.messages[0]?.to, fake.messages[0]?.from, fake.messages[0]?.body, fake.messages[0]?.contentSid], [
      'whatsapp:+37120000001',
      'whatsapp:+14155238886',
      'Delivery takes 2-4 days.',
      undefined,
    ]);
  });

  it('sends the template (ContentSid + ContentVariables) outside the window, or when asked to after 63016', async () => {
    lastInboundAt = new Date(NOW.getTime() - 25 * HOUR);
    await sender({ whatsappTemplateSid: TEMPLATE }).send(outbound('whatsapp'));
    lastInboundAt = new Date(NOW.getTime() - HOUR);
    await sender({ whatsappTemplateSid: TEMPLATE }).send(outbound('whatsapp', 'Later text', { to: { channel: 'whatsapp', id: '+37120000001', ref: { template: true } } }));
    assert.deepEqual(
      fake.messages.map((m) => [m.contentSid, m.contentVariables, m.body]),
      [
        [TEMPLATE, JSON.stringify({ 1: 'Delivery takes 2-4 days.' }), undefined],
        [TEMPLATE, JSON.stringify({ 1: 'Later text' }), undefined],
      ],
    );
  });

  it('holds a WhatsApp message outside the window when no template is configured: nothing is attempted', async () => {
    lastInboundAt = new Date(NOW.getTime() - 25 * HOUR);
    await rejectsWith(sender().send(outbound('whatsapp')), false, 'whatsapp_window_closed');
    assert.equal(fake.attempts, 0);
  });

  it('sends an opted-out customer only the compliance reply: bot, agent and system notices are refused', async () => {
    optedOut = true;
    await rejectsWith(sender().send(outbound('sms')), false, 'opted_out');
    await rejectsWith(sender().send(outbound('sms', 'Ana will be with you shortly.', { author: 'agent', agentName: 'Ana' })), false, 'opted_out');
    // A handoff notice queued just before the STOP is a system message too, but not a compliance reply.
    await rejectsWith(sender().send(outbound('whatsapp', 'A person will reply soon.', { author: 'system' })), false, 'opted_out');
    await rejectsWith(sender().send(outbound('sms', 'A person will reply soon.', { author: 'system' })), false, 'opted_out');
    assert.equal(fake.attempts, 0);
    await sender().send(outbound('sms', 'You are unsubscribed.', { author: 'system', compliance: true }));
    await sender().send(outbound('whatsapp', 'Send START to resubscribe.', { author: 'system', compliance: true }));
    assert.deepEqual(
      fake.messages.map((m) => m.body),
      ['You are unsubscribed.', 'Send START to resubscribe.'],
    );
  });

  it('sends a system notice to a customer who has not opted out', async () => {
    await sender().send(outbound('sms', 'A person will reply soon.', { author: 'system' }));
    assert.equal(fake.messages[0]?.body, 'A person will reply soon.');
  });
});
