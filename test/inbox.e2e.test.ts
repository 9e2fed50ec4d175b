/**
 * The inbox end to end: webhooks answer once a message is recorded, the turn runs afterwards, in order per
 * customer, and messages recorded but not processed when a process stopped (or died holding their lease) are
 * answered at the next start. The real service with Twilio, the web channel and the model behind local fakes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { createInboxRecorder } from '../src/inbox/inbox-recorder.js';
import { startService, type RunningService } from '../src/service.js';
import { openStore } from '../src/store/open-store.js';
import { startFakeTwilio, type FakeTwilio } from './fakes/fake-twilio.js';
import { knowledgeTranslationOf, startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { eventually, sleep } from './support/eventually.js';
import { useTestDatabase } from './support/postgres-database.js';
import { twilioTestEnv } from './support/twilio-env.js';
import { postWebMessage } from './support/web-requests.js';
import { answerTo, expectedReplies, ORDERED_QUESTIONS } from './support/ordered-questions.js';

const PUBLIC_URL = 'https://support.example.com';
const SMS_FROM = '+14155550100';
const t = createTranslator({ defaultLanguage: 'en' }).t;

describe('inbox end to end', () => {
  let twilio: FakeTwilio;
  let openai: FakeOpenAi | undefined;
  let service: RunningService | undefined;
  let dataDir: string;

  async function start(env: Record<string, string> = {}): Promise<RunningService> {
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ...twilioTestEnv(twilio, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }), ...env });
    service = await startService(config, { logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
    return service;
  }

  function sms(from: string, body: string): Promise<Response> {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: twilio.accountSid, From: from, To: SMS_FROM, Body: body, NumMedia: '0' };
    return twilio.postWebhook(`${service!.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, params);
  }

  /**
   * The service with a model whose next answer waits until the returned `release` (the knowledge base's
   * background translation is refused first, so the held request is the customer's).
   */
  async function startWithHeldModel(): Promise<{ running: RunningService; model: FakeOpenAi; release: () => void }> {
    const model = await startFakeOpenAi();
    openai = model;
    model.respondWith((request) => (knowledgeTranslationOf(request) ? { status: 500 } : { text: 'We only sell online.' }));
    const { logger, lines } = createCollectingLogger();
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.baseUrl, OPENAI_MODEL: 'fake-model', LLM_TIMEOUT_MS: '60000' };
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ...twilioTestEnv(twilio, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }), ...env });
    const running = await startService(config, { logger });
    service = running;
    await eventually(() => lines.some((line) => /knowledge translation (done|paused)/.test(line)));
    model.requests.splice(0);
    let release: () => void = () => undefined;
    model.enqueue({ waitFor: new Promise<void>((resolve) => (release = resolve)), then: { text: 'We only sell online.' } });
    return { running, model, release: () => release() };
  }

  const sentTo = (phone: string) => twilio.messages.filter((m) => m.to === phone);

  beforeEach(async () => {
    twilio = await startFakeTwilio();
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-inbox-'));
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await openai?.close();
    openai = undefined;
    await twilio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('acks a Twilio webhook while the model is still answering it, then delivers the answer', async () => {
    // The model holds its answer until the test lets it go: the webhook must not wait for it.
    const { running, model, release } = await startWithHeldModel();
    const phone = '+447700900101';
    const ack = await sms(phone, 'Do you have a shop in Riga where I can see the products?');
    assert.equal(ack.status, 200);
    await eventually(() => model.requests.length >= 1);
    const customer = await running.store.findCustomer('sms', phone);
    const recorded = await running.store.listCustomerMessages(customer!.id);
    assert.deepEqual(recorded.map((m) => [m.direction, m.processedAt]), [['in', null]], 'recorded, its turn still running');
    assert.equal(sentTo(phone).length, 0);

    release();
    const sent = await eventually(() => sentTo(phone).length >= 2 && sentTo(phone));
    assert.deepEqual(sent.map((m) => m.body), [t('en', 'disclosure'), 'We only sell online.']);
  });

  it('on stop, lets a running turn finish: its answer goes out before the service closes', async () => {
    const { running, model, release } = await startWithHeldModel();
    const phone = '+447700900105';
    assert.equal((await sms(phone, 'Do you have a shop in Riga where I can see the products?')).status, 200);
    await eventually(() => model.requests.length >= 1);

    service = undefined;
    const stopping = running.stop();
    // Long enough for a stop that did not wait to have closed the store under the turn.
    await sleep(300);
    release();
    await stopping;
    assert.deepEqual(sentTo(phone).map((m) => m.body), [t('en', 'disclosure'), 'We only sell online.']);
  });

  it('answers, at start, messages recorded but never processed, and one a dead process held the lease of', async () => {
    const store = await openStore({ dataDir });
    await store.migrate();
    const recorder = createInboxRecorder({ store, defaultLanguage: 'en' });
    const inbound = (phone: string, sid: string) => ({ externalId: sid, from: { channel: 'sms' as const, id: phone }, text: 'how long does shipping take?', receivedAt: new Date() });
    await recorder.record(inbound('+447700900102', 'SMstranded1'));
    await recorder.record(inbound('+447700900103', 'SMstranded2'));
    // A turn in progress when its process died: the lease is live for another minute.
    const [held] = await store.claimInbox(new Date(), 60_000, 1);
    assert.equal(held?.message.externalId, 'SMstranded1');
    await store.close();

    await start();
    for (const phone of ['+447700900102', '+447700900103']) {
      const sent = await eventually(() => sentTo(phone).length >= 2 && sentTo(phone));
      assert.deepEqual(sent.map((m) => m.body), [t('en', 'disclosure'), answerTo('how long does shipping take?', true)]);
    }
    assert.ok((await service!.store.findInbound('sms', 'SMstranded1'))?.processedAt instanceof Date);
  });

  it("answers a burst of one customer's messages one turn at a time, in the order they arrived", async () => {
    await start();
    const visitorId = 'visitor-inbox-burst-01';
    const responses = await Promise.all(
      ORDERED_QUESTIONS.map((text, i) => postWebMessage(service!.url, { visitorId, clientMessageId: `burst-${i}-000000`, text })),
    );
    assert.ok(responses.every((r) => r.status === 202));
    await service!.idle();
    const customer = await service!.store.findCustomer('web', visitorId);
    const messages = await service!.store.listCustomerMessages(customer!.id);
    // Arrival order is the order the service recorded them in (the posts race each other).
    const replies = messages.filter((m) => m.direction === 'out').map((m) => m.text);
    assert.deepEqual(replies, expectedReplies(messages));
  });

  describe('on PostgreSQL', () => {
    const databaseUrl = useTestDatabase('switchboard_inbox');

    it("answers a message a dead replica held when its short lease runs out", async () => {
      const store = await openStore({ dataDir, databaseUrl });
      await store.migrate();
      await createInboxRecorder({ store, defaultLanguage: 'en' }).record({ externalId: 'SMorphan1', from: { channel: 'sms', id: '+447700900104' }, text: 'how long does shipping take?', receivedAt: new Date() });
      const [held] = await store.claimInbox(new Date(), 2000, 1);
      assert.equal(held?.message.externalId, 'SMorphan1');
      await store.close();

      await start({ DATABASE_URL: databaseUrl });
      const sent = await eventually(() => sentTo('+447700900104').length >= 2 && sentTo('+447700900104'));
      assert.deepEqual(sent.map((m) => m.body), [t('en', 'disclosure'), answerTo('how long does shipping take?', true)]);
      assert.equal((await service!.store.findInbound('sms', 'SMorphan1'))?.processedAt instanceof Date, true);
    });
  });
});
