/**
 * The outbox end to end through the real Twilio adapter: the worker, the store (SQLite in a temp dir, and
 * PostgreSQL for leases shared by replicas), the product's twilio client and the fake Twilio REST API. Time is a
 * private sinon clock shared by the worker, the store and the fake, so hours of outage take milliseconds; tests
 * wait for states, never for durations.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createTwilioAdapter, type TwilioAdapter } from '../adapters/twilio/twilio-adapter.js';
import { createTranslator } from '../src/i18n.js';
import { createPersonLabel } from '../src/person-label.js';
import { openStore } from '../src/store/open-store.js';
import type { OutboxItem, Store } from '../src/store/store.js';
import { createOutbox } from '../src/outbox/outbox.js';
import { createDeliveryFollowUp } from '../src/delivery/delivery-follow-up.js';
import { createOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from '../src/outbox/outbox-worker.js';
import { startFakeTwilio, TWILIO_FAILURES, type FakeTwilio } from './fakes/fake-twilio.js';
import { advanceBy, advanceUntil, clockOf, privateFakeClock, type FakeClock } from './support/fake-clock.js';
import { eventually } from './support/eventually.js';
import { useTestDatabase } from './support/postgres-database.js';

const PUBLIC_URL = 'https://support.example.com';
const SMS_FROM = '+14155550100';
const T0 = new Date('2026-11-24T10:00:00Z');
const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const LEASE_MS = 10 * SECOND;
const personLabel = createPersonLabel(createTranslator({ defaultLanguage: 'en' }), 'en');
const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });

interface Harness {
  clock: FakeClock;
  fake: FakeTwilio;
  store: Store;
  twilio: TwilioAdapter;
  deadLetters: { item: OutboxItem; status: 'dead' | 'expired' }[];
  /** Starts a worker on the harness's store and clock; stopped after the test. */
  startWorker(options?: Partial<OutboxWorkerOptions>): OutboxWorker;
  /** Queues replies to this phone number, in order; returns their rows. */
  enqueue(phone: string, ...texts: string[]): Promise<OutboxItem[]>;
  /** Bodies Twilio accepted for this number, in order. */
  bodiesTo(phone: string): (string | undefined)[];
  row(item: OutboxItem | undefined): Promise<OutboxItem>;
  /** True while the fake API is answering a request: the clock waits for it. */
  busy(): boolean;
}

/** A harness per test; `openTestStore` opens the backend's store on the given clock. */
function useHarness(openTestStore: (now: () => Date) => Promise<Store>): () => Harness {
  let harness: Harness | undefined;
  let workers: OutboxWorker[] = [];
  let cleanup: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    const clock = privateFakeClock(T0);
    const now = () => new Date(clock.now);
    const fake = await startFakeTwilio({ now });
    const store = await openTestStore(now);
    await store.migrate();
    const deadLetters: Harness['deadLetters'] = [];
    const outbox = createOutbox(store);
    outbox.onQueued(() => workers.forEach((w) => w.wake()));
    const twilio = createTwilioAdapter({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      publicUrl: PUBLIC_URL,
      apiUrl: fake.url,
      smsFrom: SMS_FROM,
      store,
      logger,
      reportDelivery: createDeliveryFollowUp({ store, outbox, logger }).report,
      personLabel,
    });
    harness = {
      clock,
      fake,
      store,
      twilio,
      deadLetters,
      startWorker(options = {}) {
        const worker = createOutboxWorker({
          store,
          adapters: new Map([['sms', twilio]]),
          logger,
          clock: clockOf(clock),
          random: () => 0.5,
          leaseMs: LEASE_MS,
          onDeadLetter: async (item, _error, status) => void deadLetters.push({ item, status }),
          ...options,
        });
        workers.push(worker);
        worker.start();
        return worker;
      },
      async enqueue(phone, ...texts) {
        const to = { channel: 'sms' as const, id: phone };
        const { conversation } = await store.openConversation(await store.upsertCustomer(to), 'en');
        return store.enqueueOutbound(conversation, texts.map((text) => ({ author: 'bot' as const, text })), to);
      },
      bodiesTo: (phone) => fake.messages.filter((m) => m.to === phone).map((m) => m.body),
      async row(item) {
        const row = item && (await store.getOutboxItem(item.id));
        assert.ok(row, 'the outbox row exists');
        return row;
      },
      busy: () => fake.inFlight > 0,
    };
    cleanup = async () => {
      // Closing the fake first ends requests it never answered, so the workers' deliveries settle.
      await fake.close();
      for (const worker of workers) await worker.stop();
      workers = [];
      await store.close();
      clock.uninstall();
    };
  });

  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
    harness = undefined;
  });

  return () => {
    assert.ok(harness, 'inside a test');
    return harness;
  };
}

describe('outbox delivery through Twilio (SQLite)', () => {
  let dataDir = '';
  const h = useHarness((now) => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-outbox-e2e-'));
    return openStore({ dataDir, now });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a 200 s outage: every reply goes out exactly once after it, in order, none dead-lettered', async () => {
    const { fake, clock } = h();
    const phones = ['+447700900101', '+447700900102', '+447700900103', '+447700900104', '+447700900105'];
    const rows = (await Promise.all(phones.map((phone) => h().enqueue(phone, `disclosure ${phone}`, `answer ${phone}`)))).flat();
    fake.failUntil(new Date(T0.getTime() + 200 * SECOND));
    h().startWorker();

    await advanceUntil(clock, async () => (await Promise.all(rows.map((r) => h().row(r)))).every((r) => r.status === 'sent'), { busy: h().busy, stepMs: SECOND });
    for (const phone of phones) assert.deepEqual(h().bodiesTo(phone), [`disclosure ${phone}`, `answer ${phone}`]);
    assert.ok(fake.attempts > fake.messages.length, 'the outage refused attempts');
    assert.deepEqual(h().deadLetters, []);
  });

  it('retries transient failures for the whole retry window, then expires the row, holding its conversation until re-driven', async function () {
    // A day and more of fake time, in steps of minutes.
    this.timeout(60_000);
    const { fake, clock, store } = h();
    const [first, second] = await h().enqueue('+447700900111', 'the disclosure', 'the answer');
    fake.failUntil(new Date(T0.getTime() + 48 * HOUR));
    // One process, no other replica's rows to poll for; backoff up to an hour: fewer steps through the fake day.
    const worker = h().startWorker({ pollMs: HOUR, backoff: { baseMs: SECOND, maxMs: HOUR } });

    await advanceBy(clock, 23 * HOUR, { busy: h().busy, stepMs: 5 * 60 * SECOND });
    assert.equal((await h().row(first)).status, 'pending', 'still retried after 23 hours');
    await advanceUntil(clock, async () => (await h().row(first)).status === 'expired', { busy: h().busy, stepMs: 5 * 60 * SECOND });
    const expired = await h().row(first);
    assert.ok(expired.failingSince && expired.updatedAt.getTime() - expired.failingSince.getTime() >= 24 * HOUR, 'retried for 24 hours');
    assert.match(expired.lastError ?? '', /HTTP 500/);
    assert.deepEqual(h().deadLetters.map((d) => [d.item.id, d.status]), [[first?.id, 'expired']]);

    // Twilio is back, but the answer must not reach the customer before the disclosure.
    fake.failUntil(T0);
    await advanceBy(clock, HOUR, { busy: h().busy, stepMs: 5 * 60 * SECOND });
    assert.equal((await h().row(second)).status, 'pending');
    assert.deepEqual(h().bodiesTo('+447700900111'), []);

    assert.equal((await store.redriveOutbox(first!.id, new Date(clock.now)))?.redriven, true);
    worker.wake();
    await advanceUntil(clock, async () => (await h().row(second)).status === 'sent', { busy: h().busy });
    assert.deepEqual(h().bodiesTo('+447700900111'), ['the disclosure', 'the answer']);
  });

  it('dead-letters a permanent refusal at once and lets the conversation go on', async () => {
    const { fake, clock } = h();
    const [refused, next] = await h().enqueue('+447700900121', 'refused', 'next');
    fake.failNext(TWILIO_FAILURES.invalidTo);
    h().startWorker();
    await advanceUntil(clock, async () => (await h().row(next)).status === 'sent', { busy: h().busy });
    assert.equal((await h().row(refused)).status, 'dead');
    assert.deepEqual(h().deadLetters.map((d) => [d.item.id, d.status]), [[refused?.id, 'dead']]);
    assert.deepEqual(h().bodiesTo('+447700900121'), ['next']);
  });

  it("does not ask again before Twilio's Retry-After", async () => {
    const { fake, clock } = h();
    const [item] = await h().enqueue('+447700900131', 'throttled');
    fake.failNext({ ...TWILIO_FAILURES.tooManyRequests, retryAfter: '120' });
    h().startWorker();
    await advanceBy(clock, 119 * SECOND, { busy: h().busy });
    assert.equal(fake.attempts, 1, 'not before Retry-After, although the backoff alone would be about a second');
    await advanceUntil(clock, async () => (await h().row(item)).status === 'sent', { busy: h().busy });
    assert.deepEqual(h().bodiesTo('+447700900131'), ['throttled']);
  });

  it('a request Twilio never answers holds back only its own conversation, and is retried after its time limit', async () => {
    const { fake, clock } = h();
    fake.neverAnswer('+447700900141');
    const [hanging] = await h().enqueue('+447700900141', 'into the void');
    const others = [...(await h().enqueue('+447700900142', 'b1', 'b2', 'b3')), ...(await h().enqueue('+447700900143', 'c1'))];
    h().startWorker({ sendTimeoutMs: 10 * SECOND });

    await advanceUntil(clock, async () => (await Promise.all(others.map((r) => h().row(r)))).every((r) => r.status === 'sent'), { busy: h().busy, stepMs: 100 });
    const stuck = await h().row(hanging);
    assert.deepEqual([stuck.status, stuck.attempts, fake.pending], ['inflight', 1, 1], 'the other replies went out while the request was unanswered');
    assert.deepEqual(h().bodiesTo('+447700900142'), ['b1', 'b2', 'b3']);

    await advanceUntil(clock, () => fake.pending === 2, { busy: h().busy });
    const retried = await h().row(hanging);
    assert.match(retried.lastError ?? '', /OUTBOX_SEND_TIMEOUT_MS/);
    assert.ok(retried.outcomeUnknownSince, 'a timed-out send may have reached Twilio');
    assert.equal(fake.lookups, 1, 'so Twilio was asked for it before it was sent again');
  });

  it('an answer lost after Twilio created the message: the retry finds it in the Messages list and sends nothing twice', async () => {
    const { fake, clock } = h();
    const [lost, next] = await h().enqueue('+447700900151', 'accepted, answer lost', 'the next reply');
    fake.failNext('lose-answer');
    h().startWorker();
    await advanceUntil(clock, async () => (await h().row(next)).status === 'sent', { busy: h().busy });
    assert.deepEqual(h().bodiesTo('+447700900151'), ['accepted, answer lost', 'the next reply']);
    const settled = await h().row(lost);
    assert.equal(settled.providerId, fake.messages[0]?.sid);
    assert.equal(settled.attempts, 2);
    assert.equal(fake.lookups, 1);
  });

  it('a send that times out and is accepted afterwards is recorded, not repeated', async () => {
    const { fake, clock } = h();
    const [item] = await h().enqueue('+447700900161', 'slow but accepted');
    const held = fake.holdNext();
    h().startWorker({ sendTimeoutMs: 10 * SECOND });
    await advanceUntil(clock, () => fake.attempts === 1);
    await held.reached;
    await advanceBy(clock, 10 * SECOND);
    const waiting = await h().row(item);
    assert.deepEqual([waiting.status, Boolean(waiting.outcomeUnknownSince)], ['pending', true]);

    held.release();
    await eventually(async () => (await h().row(item)).status === 'sent');
    await advanceBy(clock, 10 * 60 * SECOND, { busy: h().busy, stepMs: 10 * SECOND });
    assert.deepEqual(h().bodiesTo('+447700900161'), ['slow but accepted']);
    assert.equal(fake.attempts, 1);
    assert.equal((await h().row(item)).providerId, fake.messages[0]?.sid);
  });

  it('after a crash, rows the dead process had in flight are due at once; the one Twilio accepted is settled from its list', async () => {
    const { fake, clock, store, twilio } = h();
    const [accepted, after] = await h().enqueue('+447700900171', 'accepted before the crash', 'queued behind it');
    const [unsent] = await h().enqueue('+447700900172', 'claimed, never sent');
    // The dead process: it claimed both rows with a long lease, Twilio accepted one, and nothing was recorded.
    assert.equal((await store.claimDueOutbox(new Date(clock.now), 10 * 60 * SECOND, 10)).length, 2);
    await twilio.send(accepted!.payload, { outboxId: accepted!.id, sentParts: [], recordPart: async () => undefined });

    h().startWorker();
    await advanceUntil(clock, async () => (await Promise.all([after, unsent].map((r) => h().row(r)))).every((r) => r.status === 'sent'), {
      busy: h().busy,
      // Well inside the dead process's lease: one process owns an SQLite file, so its rows are due at once.
      maxMs: 30 * SECOND,
    });
    assert.deepEqual(h().bodiesTo('+447700900171'), ['accepted before the crash', 'queued behind it']);
    assert.deepEqual(h().bodiesTo('+447700900172'), ['claimed, never sent']);
    assert.equal((await h().row(accepted)).providerId, fake.messages[0]?.sid);
  });
});

describe('outbox delivery through Twilio (PostgreSQL)', () => {
  const databaseUrl = useTestDatabase('switchboard_outbox');
  const h = useHarness((now) => openStore({ databaseUrl, dataDir: tmpdir(), now }));

  /** Settles what a test left, so the next one's workers see only its own rows. */
  afterEach(async () => {
    const store = await openStore({ databaseUrl, dataDir: tmpdir() });
    const farFuture = new Date('2999-01-01T00:00:00Z');
    for (let items = await store.claimDueOutbox(farFuture, LEASE_MS, 1000); items.length > 0; items = await store.claimDueOutbox(farFuture, LEASE_MS, 1000)) {
      for (const item of items) await store.markOutboxDead(item.id, 'left by a test', farFuture);
    }
    await store.close();
  });

  it('renews a short lease while a send is in progress, so another replica never takes the row', async () => {
    const { fake, clock } = h();
    const [item] = await h().enqueue('+447700900201', 'slow send');
    const held = fake.holdNext();
    h().startWorker({ sendTimeoutMs: 60 * SECOND });
    await advanceUntil(clock, () => fake.attempts === 1);
    await held.reached;
    const replica = await openStore({ databaseUrl, dataDir: tmpdir() });
    try {
      await advanceBy(clock, 4 * LEASE_MS, { stepMs: SECOND });
      assert.deepEqual(await replica.claimDueOutbox(new Date(clock.now), LEASE_MS, 10), [], 'the lease was renewed');
      held.release();
      await eventually(async () => (await h().row(item)).status === 'sent');
      assert.deepEqual(h().bodiesTo('+447700900201'), ['slow send']);
    } finally {
      await replica.close();
    }
  });

  it("a dead replica's row is taken over when its short lease runs out, and reconciled with Twilio's list", async () => {
    const { fake, clock, store, twilio } = h();
    const [accepted, after] = await h().enqueue('+447700900211', 'accepted before the crash', 'queued behind it');
    const [claimed] = await store.claimDueOutbox(new Date(clock.now), LEASE_MS, 10);
    assert.equal(claimed?.id, accepted?.id);
    await twilio.send(accepted!.payload, { outboxId: accepted!.id, sentParts: [], recordPart: async () => undefined });

    h().startWorker();
    await advanceBy(clock, LEASE_MS - SECOND, { busy: h().busy });
    assert.equal((await h().row(accepted)).status, 'inflight', 'another replica may still be sending it');
    assert.equal(fake.lookups, 0);
    await advanceUntil(clock, async () => (await h().row(after)).status === 'sent', { busy: h().busy, maxMs: 30 * SECOND });
    assert.deepEqual(h().bodiesTo('+447700900211'), ['accepted before the crash', 'queued behind it']);
    assert.equal((await h().row(accepted)).providerId, fake.messages[0]?.sid);
    assert.equal(fake.lookups, 1);
  });
});
