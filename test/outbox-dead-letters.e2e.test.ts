/**
 * Dead letters and unknown outcomes through the whole service: signed Twilio webhooks in, the real engine,
 * store (SQLite) and outbox, the product's twilio client against the fake Twilio, the Slack desk against the
 * fake Slack Web API, and the admin API over HTTP with its bearer token.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import type { OutboxItem } from '../src/store/store.js';
import { startFakeTwilio, TWILIO_FAILURES, type FakeTwilio } from './fakes/fake-twilio.js';
import { startFakeSlack, type FakeSlack } from './fakes/fake-slack.js';
import { eventually } from './support/eventually.js';
import { advanceBy, advanceUntil, clockOf, privateFakeClock, type FakeClock } from './support/fake-clock.js';
import { slackTestEnv, SLACK_TEST_QUEUE } from './support/slack-requests.js';
import { twilioTestEnv } from './support/twilio-env.js';

const PUBLIC_URL = 'https://support.example.com';
const SMS_FROM = '+14155550100';
const TOKEN = 'test-admin-token-0123456789abcdef-0123';
const t = createTranslator({ defaultLanguage: 'en' }).t;
const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });

describe('outbox dead letters and unknown outcomes through the service', () => {
  let fake: FakeTwilio;
  let slack: FakeSlack | undefined;
  let service: RunningService;
  let dataDir: string;
  let clock: FakeClock | undefined;

  async function start(env: Record<string, string>, outboxClock?: FakeClock): Promise<void> {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-dead-letters-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...twilioTestEnv(fake, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }),
      ADMIN_TOKEN: TOKEN,
      ...env,
    });
    service = await startService(config, { logger, ...(outboxClock && { outboxClock: clockOf(outboxClock) }) });
  }

  afterEach(async () => {
    await fake.close();
    await service.stop();
    await slack?.close();
    slack = undefined;
    clock?.uninstall();
    clock = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  function sms(from: string, body: string) {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return fake.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, { MessageSid: sid, AccountSid: fake.accountSid, From: from, To: SMS_FROM, Body: body });
  }

  const retry = (id: number | string, token: string | null = TOKEN) =>
    fetch(`${service.url}/admin/outbox/${id}/retry`, { method: 'POST', headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  /** The outbox row once it is settled (neither pending nor in flight). */
  function settled(id: number): Promise<OutboxItem> {
    return eventually(async () => {
      const row = await service.store.getOutboxItem(id);
      return row && row.status !== 'pending' && row.status !== 'inflight' ? row : undefined;
    });
  }

  it('pages the Slack desk about a refused reply (delivery_failed), and the admin API re-drives it', async () => {
    fake = await startFakeTwilio();
    slack = await startFakeSlack();
    await start(slackTestEnv(slack.apiUrl));
    const phone = '+447700900301';
    fake.failNext(TWILIO_FAILURES.invalidTo);
    assert.equal((await sms(phone, 'How long does shipping take?')).status, 200);

    const page = await eventually(() => slack?.callsTo('chat.postMessage').find((c) => c.args.channel === SLACK_TEST_QUEUE && c.args.thread_ts === undefined));
    assert.ok(page);
    // The first reply queued in a fresh store is row 1: the AI disclosure.
    const disclosure = await settled(1);
    assert.deepEqual([disclosure.status, disclosure.payload.text], ['dead', t('en', 'disclosure')]);
    const handoff = await service.store.findActiveHandoff(disclosure.conversationId);
    assert.deepEqual([handoff?.reason, handoff?.reasonDetail], ['delivery_failed', 'refused (21211)']);

    assert.equal((await retry(disclosure.id, null)).status, 401);
    assert.equal((await retry(disclosure.id, 'wrong-token-0123456789abcdef-0123456')).status, 401);
    assert.equal((await retry('x1')).status, 400);
    assert.equal((await retry(999_999)).status, 404);
    const res = await retry(disclosure.id);
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { outbox: { id: number; status: string } }).outbox.status, 'pending');
    await eventually(async () => (await service.store.getOutboxItem(disclosure.id))?.status === 'sent');
    assert.equal(fake.messages.filter((m) => m.to === phone && m.body === t('en', 'disclosure')).length, 1, 'delivered once, after the re-drive');

    const again = await retry(disclosure.id);
    assert.equal(again.status, 409, 'a delivered row is not sent again');
  });

  it('expires a reply after OUTBOX_RETRY_HOURS of outage and pages the desk, holding the conversation', async () => {
    clock = privateFakeClock(Date.now() + 60 * 60_000);
    const fakeClock = clock;
    fake = await startFakeTwilio({ now: () => new Date(fakeClock.now) });
    slack = await startFakeSlack();
    await start({ ...slackTestEnv(slack.apiUrl), OUTBOX_RETRY_HOURS: '1' }, fakeClock);
    fake.failUntil(new Date(fakeClock.now + 3 * 60 * 60_000));
    assert.equal((await sms('+447700900304', 'How long does shipping take?')).status, 200);

    await advanceUntil(fakeClock, async () => (await service.store.getOutboxItem(1))?.status === 'expired', { busy: () => fake.inFlight > 0, stepMs: 60_000 });
    const disclosure = await settled(1);
    const handoff = await eventually(() => service.store.findActiveHandoff(disclosure.conversationId));
    assert.deepEqual([handoff.reason, handoff.reasonDetail], ['delivery_failed', 'undelivered for OUTBOX_RETRY_HOURS']);
    await eventually(() => slack?.callsTo('chat.postMessage').find((c) => c.args.channel === SLACK_TEST_QUEUE));
    // The answer and the queue notice wait behind the expired disclosure.
    assert.equal((await service.store.getOutboxItem(2))?.status, 'pending');
    assert.equal(fake.messages.length, 0);
  });

  it('pages nobody about a reply refused because the customer opted out', async () => {
    fake = await startFakeTwilio();
    slack = await startFakeSlack();
    await start(slackTestEnv(slack.apiUrl));
    fake.failNext(TWILIO_FAILURES.unsubscribed);
    await sms('+447700900302', 'hello');
    await eventually(async () => (await service.store.findCustomer('sms', '+447700900302'))?.optedOut);
    await eventually(async () => (await service.store.nextOutboxDueAt()) === undefined);
    assert.equal((await settled(1)).status, 'dead');
    assert.equal(slack.callsTo('chat.postMessage').length, 0);
  });

  it("settles a row from Twilio's status callback when the answer to its create was lost, and never sends it again", async () => {
    // Ahead of the store's real clock, so rows the service queues are due on the outbox's fake one.
    clock = privateFakeClock(Date.now() + 60 * 60_000);
    const fakeClock = clock;
    fake = await startFakeTwilio({ now: () => new Date(fakeClock.now) });
    await start({}, fakeClock);
    const phone = '+447700900303';
    fake.failNext('lose-answer');
    assert.equal((await sms(phone, 'hello')).status, 200);

    // The first attempt: Twilio creates the disclosure, the answer is lost; the row waits for a retry.
    await advanceUntil(fakeClock, () => fake.messages.length === 1, { busy: () => fake.inFlight > 0, stepMs: 100 });
    const created = fake.messages[0]!;
    const callback = new URL(created.statusCallback ?? '');
    const rowId = Number(callback.searchParams.get('outbox'));
    const row = await eventually(async () => {
      const current = await service.store.getOutboxItem(rowId);
      return current?.status === 'pending' && current.outcomeUnknownSince ? current : undefined;
    });

    const signed = `${PUBLIC_URL}/twilio/status${callback.search}`;
    const res = await fake.postWebhook(`${service.url}/twilio/status${callback.search}`, signed, { MessageSid: created.sid, MessageStatus: 'sent', To: phone, AccountSid: fake.accountSid });
    assert.equal(res.status, 204);
    const settled = await service.store.getOutboxItem(row.id);
    assert.deepEqual([settled?.status, settled?.providerId], ['sent', created.sid]);

    await advanceBy(fakeClock, 10 * 60_000, { busy: () => fake.inFlight > 0, stepMs: 1000 });
    assert.equal(fake.messages.filter((m) => m.body === created.body).length, 1);
    assert.equal(fake.lookups, 0, 'the callback settled it before any lookup was needed');
  });
});
