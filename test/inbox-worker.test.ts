/**
 * The inbox worker over a real SQLite store, its turns given as a function: a failing turn is retried after a
 * backoff and given up after its attempts, so the customer's later messages are answered; turns of different
 * customers run side by side.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createInboxRecorder } from '../src/inbox/inbox-recorder.js';
import { createInboxWorker, type InboxWorker } from '../src/inbox/inbox-worker.js';
import { messageInbox } from '../src/inbox/message-inbox.js';
import type { Inbound } from '../src/model.js';
import { openStore } from '../src/store/open-store.js';
import type { InboxItem, Store } from '../src/store/store.js';
import { eventually } from './support/eventually.js';

describe('inbox worker', () => {
  let dir: string;
  let store: Store;
  let worker: InboxWorker | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-inbox-worker-'));
    store = await openStore({ dataDir: dir });
    await store.migrate();
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const message = (externalId: string, from: string): Inbound => ({ externalId, from: { channel: 'web', id: from }, text: externalId, receivedAt: new Date() });

  /** A turn that only marks its message processed, as the engine's does when it queues no reply. */
  async function finish(item: InboxItem): Promise<void> {
    const conversation = await store.getConversation(item.message.conversationId);
    await store.enqueueOutbound(conversation!, [], item.address, { answering: item.message.id });
  }

  function start(answer: (item: InboxItem) => Promise<void>): InboxWorker {
    worker = createInboxWorker({ queue: messageInbox(store), answer, logger: pino({ level: 'silent' }), backoff: { baseMs: 5, maxMs: 20 }, maxAttempts: 3, pollMs: 10 });
    worker.start();
    return worker;
  }

  it("retries a failing turn, gives it up after its attempts, then answers the customer's next message", async () => {
    const recorder = createInboxRecorder({ store, defaultLanguage: 'en' });
    await recorder.record(message('poison', 'visitor-worker-01'));
    await recorder.record(message('next', 'visitor-worker-01'));
    const turns: string[] = [];
    start(async (item) => {
      turns.push(item.message.text);
      if (item.message.text === 'poison') throw new Error('the model crashed');
      await finish(item);
    });
    await eventually(async () => (await store.findInbound('web', 'next'))?.processedAt ?? undefined);
    assert.deepEqual(turns, ['poison', 'poison', 'poison', 'next']);
    assert.ok((await store.findInbound('web', 'poison'))?.processedAt instanceof Date, 'given up: marked processed without replies');
  });

  it("runs different customers' turns side by side while one customer's turn is still running", async () => {
    const recorder = createInboxRecorder({ store, defaultLanguage: 'en' });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await recorder.record(message('slow', 'visitor-worker-02'));
    await recorder.record(message('after-slow', 'visitor-worker-02'));
    await recorder.record(message('other', 'visitor-worker-03'));
    const turns: string[] = [];
    const running = start(async (item) => {
      turns.push(item.message.text);
      if (item.message.text === 'slow') await held;
      await finish(item);
    });
    await eventually(async () => (await store.findInbound('web', 'other'))?.processedAt ?? undefined);
    assert.deepEqual(turns, ['slow', 'other'], "the slow customer's next message waits for its turn");
    release();
    await running.idle();
    assert.deepEqual(turns, ['slow', 'other', 'after-slow']);
  });
});
