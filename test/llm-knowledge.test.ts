/**
 * The model's work on the knowledge base, against the fake OpenAI-compatible server with the real `openai`
 * client and a real SQLite store: the translation call and its failures, the background translation job
 * and its cache, and retrieval by embeddings for grounded answers.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKnowledgeBase, type KnowledgeBase } from '../src/engine/knowledge.js';
import { createLlm, type Llm } from '../src/engine/llm.js';
import { createLlmAnswerStep } from '../src/engine/llm-answer-step.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { createKnowledgeTranslationJob } from '../src/llm/knowledge-translation-job.js';
import { cosineSimilarity, createEntryEmbeddings } from '../src/llm/entry-embeddings.js';
import { knowledgeTranslationOf, startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.js';
import { ENGLISH_ONLY_ENTRIES, POLISH_BY_ENGLISH_ANSWER, polishTranslator } from './fixtures/english-only-knowledge.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { eventually } from './support/eventually.js';

const entries = ENGLISH_ONLY_ENTRIES;

describe('model work on the knowledge base', () => {
  let fake: FakeOpenAi;
  let llm: Llm;
  let logs: string[];
  let logger: ReturnType<typeof createCollectingLogger>['logger'];

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    ({ logger, lines: logs } = createCollectingLogger());
    llm = createLlm({ apiKey: 'sk-test', baseUrl: fake.baseUrl, model: 'fake-model', embeddingModel: 'fake-embedding', timeoutMs: 400, logger });
  });

  afterEach(() => fake.close());

  describe('translating an entry', () => {
    const source = { questions: entries[0]!.questions.en!, answer: entries[0]!.answers.en!, short: entries[0]!.short.en! };

    it('asks for JSON in the target language with the entry fenced as data, and returns the parsed reply', async () => {
      fake.respondWith(polishTranslator());
      const result = await llm.translateKnowledge(source, 'en', 'pl');
      assert.deepEqual(result, { ok: true, text: POLISH_BY_ENGLISH_ANSWER[source.answer] });
      const [request] = fake.requests;
      assert.deepEqual(knowledgeTranslationOf(request!), { to: 'pl', entry: source });
      assert.match(request?.messages[0]?.content ?? '', /5 different natural ways a customer would ask this in Polish/);
      const body = JSON.parse(request?.raw ?? '{}') as { response_format?: { json_schema?: { schema?: { required?: string[] } } }; temperature?: number };
      assert.deepEqual(body.response_format?.json_schema?.schema?.required, ['questions', 'answer', 'short']);
      assert.equal(body.temperature, 0);
    });

    it('asks for no SMS answer when the entry has none', async () => {
      fake.respondWith(polishTranslator());
      await llm.translateKnowledge({ questions: ['gift voucher'], answer: entries[1]!.answers.en! }, 'en', 'pl');
      assert.doesNotMatch(fake.requests[0]?.messages[0]?.content ?? '', /"short"/);
      assert.ok(!fake.requests[0]?.raw.includes('"required":["questions","answer","short"]'));
    });

    it('reports a reply that is not the JSON asked for as malformed, and a 500 as a server error', async () => {
      fake.enqueue({ text: 'Here is your translation: ile trwa wysyłka?' }, { status: 500 });
      assert.deepEqual(await llm.translateKnowledge(source, 'en', 'pl'), { ok: false, cause: 'malformed' });
      assert.deepEqual(await llm.translateKnowledge(source, 'en', 'pl'), { ok: false, cause: 'server_error' });
      assert.ok(logs.some((line) => line.includes('"task":"translate_knowledge"') && line.includes('"cause":"malformed"')));
    });

    it('ends at once when cancelled, without a warning', async () => {
      fake.enqueue({ hang: 'headers' });
      const cancel = new AbortController();
      const pending = llm.translateKnowledge(source, 'en', 'pl', cancel.signal);
      await eventually(() => fake.requests.length === 1);
      cancel.abort();
      assert.deepEqual(await pending, { ok: false, cause: 'cancelled' });
      assert.ok(!logs.some((line) => line.includes('"level":40')));
    });
  });

  describe('the background translation job', () => {
    let dir: string;
    let store: Store;
    const hash = 'f'.repeat(64);

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'switchboard-kb-translation-'));
      store = await openStore({ dataDir: dir });
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    function job(onRebuilt: (knowledge: KnowledgeBase) => void) {
      return createKnowledgeTranslationJob({ llm, store, entries, knowledgeHash: hash, languages: ['en', 'pl'], defaultLanguage: 'en', onRebuilt, logger });
    }

    it('translates the missing entries, keeps them in the store, and hands over a base that answers in Polish', async () => {
      fake.respondWith(polishTranslator());
      const rebuilt: KnowledgeBase[] = [];
      const running = job((knowledge) => rebuilt.push(knowledge));
      running.start();
      const [knowledge] = await eventually(() => rebuilt.length > 0 && rebuilt);
      await running.stop();

      assert.equal(fake.requests.length, 2);
      assert.equal((await store.listKnowledgeTranslations(hash)).length, 2);
      const match = knowledge!.search('ile trwa wysyłka?', { language: 'pl' });
      assert.equal(match?.entry.id, 'shipping-time');
      assert.deepEqual(knowledge!.answerFor(match.entry, 'pl', { short: true }), { text: '2–4 dni robocze.', language: 'pl' });
    });

    it('skips an unfit translation with a warning, so the next start asks again', async () => {
      fake.respondWith((request) =>
        knowledgeTranslationOf(request)?.entry.answer === entries[1]!.answers.en ? { text: JSON.stringify({ questions: ['bon'], answer: 'Tak.' }) } : polishTranslator()(request),
      );
      const rebuilt: KnowledgeBase[] = [];
      const running = job((knowledge) => rebuilt.push(knowledge));
      running.start();
      await eventually(() => rebuilt.length > 0);
      await running.stop();
      assert.deepEqual((await store.listKnowledgeTranslations(hash)).map((t) => t.entryId), ['shipping-time']);
      assert.ok(logs.some((line) => line.includes('knowledge translation rejected') && line.includes('"entryId":"gift-cards"') && line.includes('answer is')));

      fake.respondWith(polishTranslator());
      const before = fake.requests.length;
      const again = job(() => undefined);
      again.start();
      await eventually(async () => (await store.listKnowledgeTranslations(hash)).length === 2);
      await again.stop();
      assert.equal(fake.requests.length, before + 1, 'only the missing entry is asked for');
    });

    it('loads cached translations without a model call', async () => {
      fake.respondWith(polishTranslator());
      const first = job(() => undefined);
      first.start();
      await eventually(async () => (await store.listKnowledgeTranslations(hash)).length === 2);
      await first.stop();

      const before = fake.requests.length;
      const rebuilt: KnowledgeBase[] = [];
      const second = job((knowledge) => rebuilt.push(knowledge));
      second.start();
      await eventually(() => rebuilt.length === 1);
      await second.stop();
      assert.equal(fake.requests.length, before);
      assert.equal(rebuilt[0]?.search('bon podarunkowy', { language: 'pl' })?.entry.id, 'gift-cards');
    });

    it('pauses until the next start after three failures in a row', async () => {
      fake.respondWith(() => ({ status: 500 }));
      const paused = createKnowledgeTranslationJob({ llm, store, entries, knowledgeHash: hash, languages: ['en', 'pl', 'de', 'lv'], defaultLanguage: 'en', onRebuilt: () => undefined, logger });
      paused.start();
      await eventually(() => logs.some((line) => line.includes('knowledge translation paused')));
      await paused.stop();
      assert.ok(fake.requests.length < 6, `${fake.requests.length} of 6 translations asked for`);
    });

    it('stops cleanly mid-call: the call is cancelled and nothing is saved', async () => {
      fake.respondWith(() => ({ hang: 'headers' }));
      const running = job(() => assert.fail('no rebuild after a stop'));
      running.start();
      await eventually(() => fake.requests.length === 2);
      await running.stop();
      assert.deepEqual(await store.listKnowledgeTranslations(hash), []);
      assert.ok(!logs.some((line) => line.includes('model call failed')));
    });
  });

  describe('retrieval by embeddings', () => {
    const knowledge = createKnowledgeBase(entries, { defaultLanguage: 'en' });

    it('measures cosine similarity', () => {
      assert.equal(cosineSimilarity([1, 0], [2, 0]), 1);
      assert.equal(cosineSimilarity([1, 0], [0, 3]), 0);
      assert.equal(cosineSimilarity([0, 0], [1, 1]), 0);
    });

    it('embeds every entry once as floats, and ranks entries by the question’s embedding, with personal data redacted', async () => {
      const embeddings = createEntryEmbeddings({ embed: llm.embed!, entries, defaultLanguage: 'en', logger });
      assert.equal(await embeddings.nearest('gift voucher', 2), undefined, 'nothing to rank with before the entries are embedded');
      embeddings.start();
      await eventually(() => logs.some((line) => line.includes('knowledge entries embedded')));
      const [indexing] = fake.embeddingRequests;
      assert.deepEqual(indexing, {
        model: 'fake-embedding',
        encodingFormat: 'float',
        input: ['how long does shipping take?\nwhen will my parcel arrive?\nStandard shipping takes 2–4 business days.', 'do you sell gift cards?\ngift voucher\nGift cards from €10 to €200 are sold in the online shop.'],
      });

      assert.deepEqual(await embeddings.nearest('a voucher or gift card for my sister, mail me at ann@example.com', 2), ['gift-cards', 'shipping-time']);
      assert.deepEqual(fake.embeddingRequests[1]?.input, ['a voucher or gift card for my sister, mail me at [EMAIL_1]']);
      await embeddings.stop();
    });

    it('cannot tell when the endpoint fails, so the answer step falls back to the matcher', async () => {
      const embeddings = createEntryEmbeddings({ embed: llm.embed!, entries, defaultLanguage: 'en', logger });
      embeddings.start();
      await eventually(() => logs.some((line) => line.includes('knowledge entries embedded')));
      fake.failEmbeddings(404);
      assert.equal(await embeddings.nearest('gift voucher', 2), undefined);
      await embeddings.stop();
    });

    it('grounds the model in the entries nearest by embedding, else in the matcher’s ranking', async () => {
      const embeddings = createEntryEmbeddings({ embed: llm.embed!, entries, defaultLanguage: 'en', logger });
      embeddings.start();
      await eventually(() => logs.some((line) => line.includes('knowledge entries embedded')));
      const step = createLlmAnswerStep({ llm, knowledge, retriever: embeddings, passages: 1 });
      const offline = { replies: ['fallback'], failedAnswers: 1, llm: { task: 'answer' as const, replaceFrom: 0 } };
      const context = { language: 'en', channel: 'web' as const, conversationId: 1, history: [], messageId: 1, handoffAvailable: false };
      const passageIds = () => [...(fake.requests.at(-1)?.messages[0]?.content ?? '').matchAll(/<passage n="\d" id="([a-z-]+)"/g)].map((m) => m[1]);
      // The fake's embeddings count shared words ("sold in the online shop": the gift-card entry); the matcher reads
      // "parcel arrive" as shipping.
      const text = 'sold in the online shop parcel arrive';

      await step.improve(offline, { ...context, text });
      assert.deepEqual(passageIds(), ['gift-cards']);

      fake.failEmbeddings(500);
      await step.improve(offline, { ...context, text });
      assert.deepEqual(passageIds(), ['shipping-time'], 'the matcher’s best entry');
      await embeddings.stop();
    });

    it('is absent without an embedding model', () => {
      assert.equal(createLlm({ apiKey: 'k', baseUrl: fake.baseUrl, model: 'm', timeoutMs: 400, logger }).embed, undefined);
    });
  });
});
