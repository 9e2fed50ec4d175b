/**
 * The satisfaction survey end to end: the real service (SQLite in a temp dir, the real engine, outbox and survey
 * sweeper on a private fake clock), customers writing through a signed Twilio SMS webhook and the web widget's
 * API. After CSAT_AFTER_MINUTES of quiet (or once staff close it in Slack) the customer is asked once, in the
 * conversation's language; a rating is recorded and thanked instead of answered, and shows in the insights (bot-only
 * or human) and the customer's data export.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import type { InsightsReport } from '../src/insights/insights-report.js';
import type { CustomerExportView } from '../src/admin/customer-export-view.js';
import { startFakeTwilio, type FakeTwilio } from './fakes/fake-twilio.js';
import { startFakeSlack } from './fakes/fake-slack.js';
import { ACTION_IDS } from '../adapters/slack/slack-blocks.js';
import { buttonClickBody, postSignedSlack, slackTestEnv } from './support/slack-requests.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { advanceBy, advanceUntil, clockOf, privateFakeClock, type FakeClock } from './support/fake-clock.js';
import { twilioTestEnv } from './support/twilio-env.js';
import { postWebMessage } from './support/web-requests.js';

const PUBLIC_URL = 'https://support.example.com';
const SMS_FROM = '+14155550100';
const TOKEN = 'test-admin-token-0123456789abcdef-0123';
const MINUTE = 60_000;
const t = createTranslator({ defaultLanguage: 'en' }).t;

describe('satisfaction survey end to end', function () {
  this.timeout(30_000);
  let twilio: FakeTwilio;
  let dataDir: string;
  let clock: FakeClock;
  let service: RunningService;

  async function start(extraEnv: Record<string, string> = {}): Promise<void> {
    twilio = await startFakeTwilio();
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-surveys-'));
    clock = privateFakeClock(Date.now());
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      LANGUAGES: 'en,de',
      ADMIN_TOKEN: TOKEN,
      CSAT_AFTER_MINUTES: '30',
      ...twilioTestEnv(twilio, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }),
      ...extraEnv,
    });
    service = await startService(config, { logger: createCollectingLogger().logger, clock: clockOf(clock) });
  }

  afterEach(async () => {
    await service.stop();
    await twilio.close();
    clock.uninstall();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Twilio posting an incoming SMS, signed over the public URL. */
  async function sms(from: string, body: string): Promise<void> {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: twilio.accountSid, From: from, To: SMS_FROM, Body: body, NumMedia: '0' };
    assert.equal((await twilio.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, params)).status, 200);
    await eventually(async () => (await service.store.findInbound('sms', sid))?.processedAt ?? undefined);
  }

  const textsTo = (phone: string): string[] => twilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');
  const everythingSent = async (): Promise<boolean> => (await service.store.outboxBacklog()).pending === 0;

  async function adminGet<T>(path: string): Promise<T> {
    const res = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    return (await res.json()) as T;
  }

  describe('on SMS', () => {
    beforeEach(() => start());

    it('asks once after CSAT_AFTER_MINUTES of quiet, records a rating of 4 and thanks for it instead of answering it', async () => {
      const phone = '+447700900101';
      await sms(phone, 'How long does shipping take?');
      await eventually(() => textsTo(phone).length === 2);
      // Not before the conversation has been quiet for 30 minutes.
      await advanceBy(clock, 25 * MINUTE, { stepMs: MINUTE });
      assert.ok(await everythingSent());
      assert.ok(!textsTo(phone).includes(t('en', 'surveyQuestion')));

      await advanceUntil(clock, () => textsTo(phone).includes(t('en', 'surveyQuestion')), { stepMs: MINUTE, maxMs: 10 * MINUTE });
      await sms(phone, '4');
      await eventually(() => textsTo(phone).at(-1) === t('en', 'surveyThanks') || undefined);
      // The rating was not taken for a question: exactly the question, the rating and the thanks, nothing else.
      const transcript = (await customerMessages(service.store, 'sms', phone)).map((m) => m.text);
      assert.deepEqual(transcript.slice(-3), [t('en', 'surveyQuestion'), '4', t('en', 'surveyThanks')]);

      // Once per conversation: another quiet half hour asks nothing more.
      await advanceBy(clock, 40 * MINUTE, { stepMs: MINUTE });
      assert.equal(textsTo(phone).filter((text) => text === t('en', 'surveyQuestion')).length, 1);

      const report = await adminGet<InsightsReport>('/admin/insights');
      assert.deepEqual(report.csat.bot, { asked: 1, answered: 1, average: 4, satisfied: 1 });
      assert.deepEqual(report.csat.human, { asked: 0, answered: 0, average: null, satisfied: null });
      const exported = await adminGet<CustomerExportView>(`/admin/customers/sms/${encodeURIComponent(phone)}/export`);
      assert.equal(exported.conversations[0]?.survey?.rating, 4);
    });

    it('treats a rating that is not the next message as an ordinary message, and never asks an opted-out customer', async () => {
      const phone = '+447700900102';
      const optedOut = '+447700900103';
      await sms(phone, 'How long does shipping take?');
      await sms(optedOut, 'How long does shipping take?');
      await sms(optedOut, 'STOP');
      await advanceUntil(clock, () => textsTo(phone).includes(t('en', 'surveyQuestion')), { stepMs: MINUTE, maxMs: 40 * MINUTE });
      await sms(phone, 'How long does shipping take?');
      await eventually(() => textsTo(phone).at(-1)?.includes('business days') || undefined);
      await sms(phone, '5');
      await eventually(everythingSent);
      assert.notEqual(textsTo(phone).at(-1), t('en', 'surveyThanks'));
      const customer = await service.store.findCustomer('sms', phone);
      const exported = customer && (await service.store.exportCustomer(customer.id));
      assert.equal(exported?.conversations[0]?.survey?.rating, null);
      assert.ok(!textsTo(optedOut).includes(t('en', 'surveyQuestion')));
    });
  });

  it('asks a web visitor in the conversation\'s language and takes stars for a rating', async () => {
    await start();
    const visitorId = 'visitor-survey-de-01';
    const say = (n: number, text: string) => postWebMessage(service.url, { visitorId, clientMessageId: `msg_${visitorId}_${n}`, text });
    assert.equal((await say(1, 'Wie lange dauert der Versand nach Deutschland?')).status, 202);
    const outbound = async () => (await customerMessages(service.store, 'web', visitorId)).filter((m) => m.direction === 'out').map((m) => m.text);
    await eventually(async () => (await outbound()).length >= 2 && everythingSent());
    await advanceUntil(clock, async () => (await outbound()).includes(t('de', 'surveyQuestion')), { stepMs: MINUTE, maxMs: 40 * MINUTE });

    assert.equal((await say(2, '⭐⭐⭐⭐⭐')).status, 202);
    await eventually(async () => (await outbound()).at(-1) === t('de', 'surveyThanks'));
    const customer = await service.store.findCustomer('web', visitorId);
    const exported = customer && (await service.store.exportCustomer(customer.id));
    const survey = exported?.conversations[0]?.survey;
    assert.equal(survey?.rating, 5);
    assert.equal(survey?.handledBy, 'bot');
    assert.equal(survey?.language, 'de');
  });

  it('asks as soon as staff close a conversation in Slack, and counts the answer for human conversations', async () => {
    const slack = await startFakeSlack({ users: { U0ANNA: 'Anna' } });
    try {
      await start(slackTestEnv(slack.apiUrl));
      const visitorId = 'visitor-survey-closed-01';
      assert.equal((await postWebMessage(service.url, { visitorId, clientMessageId: `msg_${visitorId}_1`, text: 'I want to talk to a human agent please' })).status, 202);
      const [first] = await eventually(async () => {
        const messages = await customerMessages(service.store, 'web', visitorId);
        return messages.length > 0 && messages;
      });
      const handoff = await eventually(() => service.store.findActiveHandoff(first!.conversationId));
      const ts = await eventually(async () => (await service.store.getHandoff(handoff.id))?.deskThread ?? undefined);
      const click = async (actionId: string) => {
        const body = buttonClickBody({ actionId, value: String(handoff.id), userId: 'U0ANNA', ts });
        assert.equal((await postSignedSlack(service.url, body, { nowMs: clock.now })).status, 200);
      };
      await click(ACTION_IDS.claim);
      await eventually(async () => (await service.store.getConversation(first!.conversationId))?.state === 'agent');
      await click(ACTION_IDS.close);
      await eventually(async () => (await service.store.getConversation(first!.conversationId))?.state === 'closed');

      const texts = async () => (await customerMessages(service.store, 'web', visitorId)).map((m) => m.text);
      await advanceUntil(clock, async () => (await texts()).includes(t('en', 'surveyQuestion')), { stepMs: MINUTE, maxMs: 5 * MINUTE });
      assert.equal((await postWebMessage(service.url, { visitorId, clientMessageId: `msg_${visitorId}_2`, text: '2' })).status, 202);
      await eventually(async () => (await texts()).at(-1) === t('en', 'surveyThanks'));
      // The thanks belongs to the closed conversation the survey asked about (the inbox recorded the rating itself
      // in the conversation it opened for the customer's new message).
      const messages = await customerMessages(service.store, 'web', visitorId);
      assert.equal(messages.find((m) => m.text === t('en', 'surveyThanks'))?.conversationId, first!.conversationId);
      const report = await adminGet<InsightsReport>('/admin/insights');
      assert.deepEqual(report.csat.human, { asked: 1, answered: 1, average: 2, satisfied: 0 });
    } finally {
      await slack.close();
    }
  });

  it('CSAT=off asks nothing', async () => {
    await start({ CSAT: 'off' });
    const phone = '+447700900104';
    await sms(phone, 'How long does shipping take?');
    await advanceBy(clock, 45 * MINUTE, { stepMs: MINUTE });
    await eventually(everythingSent);
    assert.equal(textsTo(phone).length, 2);
    await sms(phone, '4');
    await eventually(everythingSent);
    assert.notEqual(textsTo(phone).at(-1), t('en', 'surveyThanks'));
  });
});
