import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { pino } from 'pino';
import { openStore } from '../src/store/open-store.js';
import type { Store, Conversation } from '../src/store/store.js';
import type { Address, Outbound } from '../src/model.js';
import { createOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from '../src/outbox/outbox-worker.js';
import type { DeliveryAttempt } from '../src/outbox/delivery-attempt.js';
import { ChannelError } from '../src/errors.js';

/** A channel at the boundary: records what it was asked to send and fails as told. */
class RecordingChannel {
  readonly sent: Outbound[] = [];
  readonly attempts: string[] = [];
  readonly told: DeliveryAttempt[] = [];
  failures: Error[] = [];

  async send(message: Outbound, attempt: DeliveryAttempt): Promise<{ providerId: string }> {
    this.attempts.push(message.text);
    this.told.push(attempt);
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
    return { providerId: `provider-${message.messageId}` };
  }
}

/** Fake time per step of `advance`, and the real event-loop turns after each (a few commits in a row). */
const STEP_MS = 1000;
const COMMIT_TURNS = 10;

describe('outbox worker', () => {
  const logger = pino({ level: 'silent' });
  let dir: string;
  let store: Store;
  let clock: sinon.SinonFakeTimers;
  let channel: RecordingChannel;
  let worker: OutboxWorker | undefined;
  const address: Address = { channel: 'web', id: 'visitor-outbox-1' };

  async function conversationFor(addr: Address): Promise<Conversation> {
    const customer = await store.upsertCustomer(addr);
    return (await store.openConversation(customer, 'en')).conversation;
  }

  function startWorker(options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
    worker = createOutboxWorker({
      store,
      adapters: new Map([['web', channel]]),
      logger,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      leaseMs: 30_000,
      pollMs: 1000,
      random: () => 0.5,
      ...options,
    });
    worker.start();
    return worker;
  }

  /**
   * Moves the fake clock on by `ms`, a second at most at a time, letting the store's commits run after each step:
   * the SQLite group commit flushes at setImmediate (real here), and the worker waits for each commit.
   */
  async function advance(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= STEP_MS) {
      await clock.tickAsync(Math.min(left, STEP_MS));
      for (let turn = 0; turn < COMMIT_TURNS; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: new Date('2026-11-24T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    dir = mkdtempSync(join(tmpdir(), 'switchboard-outbox-'));
    store = await openStore({ dataDir: dir });
    await store.migrate();
    channel = new RecordingChannel();
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    clock.restore();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries a retryable failure with backoff, then delivers once', async () => {
    const conversation = await conversationFor(address);
    const [item] = await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'hello' }], address);
    channel.failures = [new ChannelError('rate limited', true, '429'), new ChannelError('server error', true, '500')];
    startWorker();

    await advance(10);
    assert.equal(channel.attempts.length, 1, 'first attempt right away');
    // attempt 1 failed: equal jitter with random 0.5 gives 750 ms of the 1000 ms base
    await advance(700);
    assert.equal(channel.attempts.length, 1, 'no retry before the backoff delay');
    await advance(100);
    assert.equal(channel.attempts.length, 2, 'retried once the delay has passed');
    await advance(5_000);

    assert.deepEqual(channel.attempts, ['hello', 'hello', 'hello']);
    assert.equal(channel.sent.length, 1);
    const row = await store.getOutboxItem(item!.id);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.attempts, 3);
    assert.equal(row?.providerId, `provider-${item!.messageId}`);
    const [message] = await store.listMessages(conversation.id);
    assert.equal(message?.deliveryStatus, 'sent');
  });

  it("waits at least as long as the channel's Retry-After", async () => {
    const conversation = await conversationFor(address);
    await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'throttled' }], address);
    channel.failures = [new ChannelError('429 Too Many Requests', true, 'http_429', { retryAfterMs: 30_000 })];
    startWorker();

    await advance(29_000);
    assert.equal(channel.attempts.length, 1, 'not before Retry-After, although the backoff alone would be 750 ms');
    await advance(2_000);
    assert.deepEqual(channel.sent.map((m) => m.text), ['throttled']);
  });

  it('moves a permanent failure to the dead letter with the error, and tells the hook', async () => {
    const conversation = await conversationFor(address);
    const [item] = await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'hello' }], address);
    channel.failures = [new ChannelError('invalid recipient', false, '21211')];
    const onDeadLetter = sinon.spy(async () => undefined);
    startWorker({ onDeadLetter });

    await advance(60_000);
    const row = await store.getOutboxItem(item!.id);
    assert.equal(row?.status, 'dead');
    assert.match(row?.lastError ?? '', /invalid recipient/);
    assert.equal(channel.attempts.length, 1, 'a permanent failure is not retried');
    assert.equal(onDeadLetter.callCount, 1);
  });

  it('expires a row whose transient failures outlast the retry window, and its conversation waits behind it', async () => {
    const conversation = await conversationFor(address);
    const [item, later] = await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'hello' }, { author: 'bot', text: 'later' }], address);
    channel.failures = Array.from({ length: 1000 }, () => new ChannelError('down', true));
    const onDeadLetter = sinon.spy(async () => undefined);
    startWorker({ retryWindowMs: 10 * 60_000, onDeadLetter });

    await advance(9 * 60_000);
    assert.equal((await store.getOutboxItem(item!.id))?.status, 'pending', 'inside the window');
    await advance(3 * 60_000);
    assert.equal((await store.getOutboxItem(item!.id))?.status, 'expired');
    assert.deepEqual(onDeadLetter.firstCall.args.slice(2), ['expired']);
    channel.failures = [];
    await advance(10 * 60_000);
    assert.ok(channel.attempts.every((text) => text === 'hello'), 'the later reply never overtakes it');
    assert.equal((await store.getOutboxItem(later!.id))?.status, 'pending');
  });

  it('keeps conversation order while an earlier message is retried', async () => {
    const conversation = await conversationFor(address);
    await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'first' }, { author: 'bot', text: 'second' }], address);
    channel.failures = [new ChannelError('busy', true)];
    startWorker();

    await advance(10_000);
    assert.deepEqual(channel.attempts, ['first', 'first', 'second']);
    assert.deepEqual(channel.sent.map((m) => m.text), ['first', 'second']);
  });

  it('delivers other conversations while one is backing off', async () => {
    const other: Address = { channel: 'web', id: 'visitor-outbox-2' };
    await store.enqueueOutbound(await conversationFor(address), [{ author: 'bot', text: 'slow' }], address);
    await store.enqueueOutbound(await conversationFor(other), [{ author: 'bot', text: 'fast' }], other);
    channel.failures = [new ChannelError('busy', true)];
    startWorker();

    await advance(10);
    assert.deepEqual(channel.sent.map((m) => m.text), ['fast']);
  });

  it('after a crash on SQLite, delivers a row the dead process had in flight at once, telling the channel its outcome is unknown', async () => {
    const conversation = await conversationFor(address);
    const [item] = await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'survivor' }], address);
    // A previous process claimed the row and died before it could mark it.
    const claimedAt = new Date();
    const claimed = await store.claimDueOutbox(claimedAt, 30_000, 10);
    assert.equal(claimed.length, 1);

    startWorker();
    await advance(10);
    assert.deepEqual(channel.attempts, ['survivor'], 'not after the dead lease: this process owns the file');
    assert.equal(channel.told[0]?.outcomeUnknownSince?.getTime(), claimedAt.getTime(), 'the channel may look for the earlier send');
    await advance(120_000);
    assert.equal(channel.sent.length, 1, 'delivered once');
    assert.equal((await store.getOutboxItem(item!.id))?.status, 'sent');
  });

  it('on stop, delivers what is already due and leaves later retries queued', async () => {
    const other: Address = { channel: 'web', id: 'visitor-outbox-2' };
    const [backingOff] = await store.enqueueOutbound(await conversationFor(address), [{ author: 'bot', text: 'later' }], address);
    await store.markOutboxRetry(backingOff!.id, 'busy', new Date(Date.now() + 60_000));
    await store.enqueueOutbound(await conversationFor(other), [{ author: 'bot', text: 'due one' }, { author: 'bot', text: 'due two' }], other);

    const stopping = startWorker();
    worker = undefined;
    // Stopped before its first poll fired: the drain alone must deliver the due rows, in order.
    await stopping.stop();
    assert.deepEqual(channel.sent.map((m) => m.text), ['due one', 'due two']);
    assert.equal((await store.getOutboxItem(backingOff!.id))?.status, 'pending', 'a retry not yet due stays queued');
  });

  it('picks up a row queued by another process at the next poll, and at once when woken', async () => {
    const conversation = await conversationFor(address);
    const live = startWorker();
    await advance(10);
    await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'polled' }], address);
    await advance(1_100);
    assert.deepEqual(channel.attempts, ['polled']);

    await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'woken' }], address);
    live.wake();
    await advance(1);
    assert.deepEqual(channel.attempts, ['polled', 'woken']);
  });
});
