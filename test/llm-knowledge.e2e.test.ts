/**
 * The knowledge base through the model, end to end: the real service (SQLite in a temp dir, the real engine
 * and web adapter) with an English-only knowledge file and OPENAI_BASE_URL pointing the real `openai` client
 * at the fake server. Once the model has translated the file into Polish in the background, a Polish
 * question is answered offline, in Polish; a restart on the same store asks the model nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import type { Message } from '../src/store/store.js';
import { knowledgeTranslationOf, startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.js';
import { ENGLISH_ONLY_ENTRIES, polishTranslator } from './fixtures/english-only-knowledge.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { postWebMessage } from './support/web-requests.js';

const t = createTranslator({ defaultLanguage: 'en' }).t;

interface Running {
  service: RunningService;
  openai: FakeOpenAi;
  logs: string[];
}

describe('knowledge base translated by the model, end to end', function () {
  let dir: string;
  let running: Running | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-kb-e2e-'));
    writeFileSync(join(dir, 'knowledge.yaml'), stringify({ entries: ENGLISH_ONLY_ENTRIES }));
  });

  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function stop(): Promise<void> {
    await running?.service.stop();
    await running?.openai.close();
    running = undefined;
  }

  /** The service on this test's data directory and knowledge file, serving English and Polish. */
  async function start(env: Record<string, string> = {}): Promise<Running> {
    const openai = await startFakeOpenAi();
    openai.respondWith(polishTranslator({ text: 'The model answered.' }));
    const { logger, lines: logs } = createCollectingLogger();
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      KNOWLEDGE_BASE: join(dir, 'knowledge.yaml'),
      LANGUAGES: 'en,pl',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_MODEL: 'fake-model',
      LLM_TIMEOUT_MS: '2000',
      ...env,
    });
    running = { service: await startService(config, { logger }), openai, logs };
    return running;
  }

  const rebuilt = (logs: string[]) => eventually(() => logs.some((line) => line.includes('knowledge base rebuilt with translations')));

  /** Asks as a web visitor and resolves with the bot's replies once `count` have arrived. */
  async function ask(service: RunningService, visitorId: string, text: string, count: number, locale = 'pl'): Promise<string[]> {
    const response = await postWebMessage(service.url, { visitorId, clientMessageId: `msg_${visitorId}_00000`, text, locale });
    assert.equal(response.status, 202);
    const replies = (messages: Message[]) => messages.filter((m) => m.direction === 'out').map((m) => m.text);
    return eventually(async () => {
      const sent = replies(await customerMessages(service.store, 'web', visitorId));
      return sent.length >= count && sent;
    });
  }

  it('answers a Polish question offline, in Polish, once the model has translated the knowledge base', async () => {
    const { service, openai, logs } = await start();
    await rebuilt(logs);
    const translationCalls = openai.requests.filter((request) => knowledgeTranslationOf(request)?.to === 'pl');
    assert.equal(translationCalls.length, ENGLISH_ONLY_ENTRIES.length, 'one call per entry and language');
    assert.equal(openai.requests.length, translationCalls.length);

    const replies = await ask(service, 'visitor_kb_pl_1', 'kiedy przyjdzie moja paczka?', 2);
    assert.deepEqual(replies, [t('pl', 'disclosure'), 'Standardowa wysyłka trwa 2–4 dni robocze.']);
    assert.equal(openai.requests.length, translationCalls.length, 'no model call on the customer’s turn');
  });

  it('makes no translation call after a restart on the same store', async () => {
    await rebuilt((await start()).logs);
    await stop();

    const { service, openai, logs } = await start();
    await rebuilt(logs);
    const replies = await ask(service, 'visitor_kb_pl_2', 'czy sprzedajecie karty podarunkowe?', 2);
    assert.equal(replies[1], 'Karty podarunkowe od 10 € do 200 € kupisz w sklepie internetowym.');
    assert.deepEqual(openai.requests, [], 'the cached translations were enough');
  });

  it('with OPENAI_EMBEDDING_MODEL, grounds the model’s answer in the entry nearest by embedding', async () => {
    const { service, openai, logs } = await start({ OPENAI_EMBEDDING_MODEL: 'fake-embedding' });
    await eventually(() => logs.some((line) => line.includes('knowledge entries embedded')));
    await rebuilt(logs);
    const before = openai.requests.length;
    // The matcher guesses shipping ("delivery days") without being sure, so the model answers instead; the
    // fake's embeddings count shared words ("online shop"), which put the gift-card entry first.
    const text = 'online shop delivery days';
    const replies = await ask(service, 'visitor_kb_en_1', text, 2, 'en');
    assert.equal(replies[1], 'The model answered.');
    const system = openai.requests.slice(before).map((request) => request.messages[0]?.content ?? '').find((content) => content.includes('Knowledge passages:'));
    assert.match(system ?? '', /<passage n="1" id="gift-cards" lang="en">\nGift cards/);
    assert.deepEqual(openai.embeddingRequests.at(-1)?.input, [text]);
  });
});
