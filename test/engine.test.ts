import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sinon from 'sinon';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { loadKnowledgeBase } from '../src/engine/knowledge.js';
import { createTranslator } from '../src/i18n.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { createLanguageDetector, type LanguageDetector } from '../src/engine/language-detector.js';
import type { Inbound } from '../src/model.js';
import { projectPath } from '../src/paths.js';
import { answerNow } from './support/answer-now.js';
import { createOutbox } from '../src/outbox/outbox.js';

describe('engine', () => {
  let dir: string;
  let store: Store;
  let engine: Engine;
  let wakes: number;
  let detector: LanguageDetector;

  before(async () => {
    detector = await createLanguageDetector({ languages: createTranslator({ defaultLanguage: 'en' }).languages });
  });

  const inbound = (externalId: string, text: string, id = 'visitor-engine-1'): Inbound => ({
    externalId,
    from: { channel: 'web', id },
    text,
    receivedAt: new Date(),
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-engine-'));
    store = await openStore({ dataDir: dir });
    await store.migrate();
    wakes = 0;
    const outbox = createOutbox(store);
    outbox.onQueued(() => {
      wakes += 1;
    });
    engine = createEngine({
      store,
      knowledge: loadKnowledgeBase(projectPath('knowledge', 'demo.yaml')),
      translator: createTranslator({ defaultLanguage: 'en' }),
      defaultLanguage: 'en',
      logger: pino({ level: 'silent' }),
      outbox,
      detector,
    });
  });

  const receive = (message: Inbound) => answerNow(store, engine, message);

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the message, answers with the disclosure first, and queues the replies in the outbox', async () => {
    const result = await receive(inbound('m1', 'how long does shipping take?'));
    assert.equal(result.duplicate, false);
    const messages = await store.listMessages(result.conversationId);
    assert.deepEqual(messages.map((m) => m.author), ['customer', 'bot', 'bot']);
    assert.match(messages[1]!.text, /automated assistant \(AI\)/);
    assert.match(messages[1]!.text, /person/);
    assert.match(messages[2]!.text, /business days/);
    const due = await store.claimDueOutbox(new Date(Date.now() + 1000), 1000, 10);
    assert.equal(due.length, 1, 'one row per conversation at a time');
    assert.equal(due[0]!.payload.text, messages[1]!.text);
    assert.equal(wakes, 1);
  });

  it('acknowledges a duplicate and does nothing else', async () => {
    const first = await receive(inbound('m1', 'how long does shipping take?'));
    const again = await receive(inbound('m1', 'how long does shipping take?'));
    assert.deepEqual(again, { duplicate: true, conversationId: first.conversationId, messageId: first.messageId });
    assert.equal((await store.listMessages(first.conversationId)).length, 3);
    assert.equal(wakes, 1);
  });

  it('leaves a message whose turn failed half-way unprocessed, and answers it exactly once on the next turn', async () => {
    // Fault injection at the store boundary: the database fails while the replies are being queued.
    const failing = sinon.stub(store, 'enqueueOutbound').onFirstCall().rejects(new Error('database went away'));
    failing.callThrough();
    await assert.rejects(receive(inbound('m1', 'how long does shipping take?')), /database went away/);
    const unfinished = await store.findInbound('web', 'm1');
    assert.equal(unfinished?.processedAt, null);

    const retried = await receive(inbound('m1', 'how long does shipping take?'));
    assert.equal(retried.duplicate, true, 'recorded once');
    const messages = await store.listMessages(retried.conversationId);
    assert.deepEqual(messages.map((m) => m.author), ['customer', 'bot', 'bot'], 'recorded once, answered once');
    assert.match(messages[1]!.text, /automated assistant/, 'still the first reply of the conversation');
    assert.ok(messages[0]!.processedAt instanceof Date);

    const again = await receive(inbound('m1', 'how long does shipping take?'));
    assert.equal(again.duplicate, true);
    assert.equal((await store.listMessages(retried.conversationId)).length, 3);
  });

  it('a turn that lost its message to another worker queues nothing: no reply is doubled', async () => {
    const first = await receive(inbound('m1', 'how long does shipping take?'));
    const [message] = await store.listMessages(first.conversationId);
    // The same message handed over again, as to a worker whose lease ran out while another finished the turn.
    await assert.rejects(engine.answer({ message: { ...message!, processedAt: null }, address: { channel: 'web', id: 'visitor-engine-1' }, hints: {}, attempts: 2 }), /already processed/);
    assert.equal((await store.listMessages(first.conversationId)).length, 3);
  });

  it('never answers an opted-out customer, but records what they write', async () => {
    const first = await receive(inbound('m1', 'hello'));
    const customer = await store.findCustomer('web', 'visitor-engine-1');
    await store.setOptedOut(customer!.id, true);
    await receive(inbound('m2', 'how long does shipping take?'));
    const messages = await store.listMessages(first.conversationId);
    assert.equal(messages.at(-1)!.author, 'customer');
    assert.equal(messages.at(-1)!.text, 'how long does shipping take?');
  });

  it('keeps separate conversations for separate customers', async () => {
    const a = await receive(inbound('a1', 'hello', 'visitor-a-0001'));
    const b = await receive(inbound('b1', 'hello', 'visitor-b-0001'));
    assert.notEqual(a.conversationId, b.conversationId);
  });
});
