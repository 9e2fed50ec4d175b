/**
 * Slow-model benchmark (`npm run bench:slow-model`): the service in a child process, its model a local fake
 * that takes 6 s per answer. 40 web customers ask what only the model can answer while 10 others ask a
 * knowledge-base question, all at once. Prints the failed requests, the webhook ack times (p50, p99), and how
 * long the knowledge-base customers and the model customers waited for their answers (read from the store). Runs on SQLite, then on PostgreSQL (127.0.0.1:5432, as the tests use).
 *
 *   npm run bench:slow-model      (SLOW_MODEL_MS=6000 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knowledgeTranslationOf, startFakeOpenAi } from '../test/fakes/fake-openai.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { sleep } from '../test/support/eventually.js';
import { postWebMessage } from '../test/support/web-requests.js';
import { createThrowawayDatabase } from '../test/support/postgres-database.js';
import { NO_FLOOD_LIMITS, startServer, stopServer } from './service-process.js';

const MODEL_MS = Number(process.env.SLOW_MODEL_MS ?? 6000);
const MODEL_CUSTOMERS = 40;
const KB_CUSTOMERS = 10;
const MODEL_QUESTION = 'Do you have a shop in Riga where I can see the products before buying?';
const KB_QUESTION = 'how long does shipping take?';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * Seconds from `since` until each visitor has two replies (the disclosure and the answer), read from the store
 * the service writes (not through the service, whose event loop the measurement must not load).
 */
async function answerTimes(store: Store, visitorIds: string[], since: number): Promise<Map<string, number>> {
  const answered = new Map<string, number>();
  const deadline = since + 60_000;
  while (answered.size < visitorIds.length && performance.now() < deadline) {
    for (const visitorId of visitorIds) {
      if (answered.has(visitorId)) continue;
      const customer = await store.findCustomer('web', visitorId);
      const messages = customer ? await store.listCustomerMessages(customer.id) : [];
      if (messages.filter((m) => m.direction === 'out').length >= 2) answered.set(visitorId, (performance.now() - since) / 1000);
    }
    await sleep(100);
  }
  return answered;
}

async function run(storeName: 'SQLite' | 'PostgreSQL'): Promise<void> {
  const openai = await startFakeOpenAi();
  // The knowledge base's background translation is refused, so every slow request is a customer's.
  openai.respondWith((request) => (knowledgeTranslationOf(request) ? { status: 500 } : { delayMs: MODEL_MS, then: { text: 'We sell online only.' } }));
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-slow-model-'));
  const database = storeName === 'PostgreSQL' ? await createThrowawayDatabase('switchboard_bench') : undefined;
  const service = await startServer('src/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...NO_FLOOD_LIMITS,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_MODEL: 'fake-model',
    LLM_TIMEOUT_MS: String(MODEL_MS * 3),
    ...(database && { DATABASE_URL: database.url }),
  });
  await sleep(2000); // the background translation's refusal and the entry embeddings settle first
  // A warm-up round (a model question and a knowledge one), so the figures are a running service's, not a cold one's.
  const warmUp = ['visitor-slow-warm-model', 'visitor-slow-warm-kb'];
  await Promise.all(warmUp.map((visitorId, i) => postWebMessage(service.url, { visitorId, clientMessageId: `warm-${i}-000000000`, text: i === 0 ? MODEL_QUESTION : KB_QUESTION })));
  const warmStore = await openStore({ dataDir, ...(database && { databaseUrl: database.url }) });
  await answerTimes(warmStore, warmUp, performance.now());
  await warmStore.close();

  const customers = [
    ...Array.from({ length: MODEL_CUSTOMERS }, (_, i) => ({ visitorId: `visitor-slow-model-${i}`, text: MODEL_QUESTION, kb: false })),
    ...Array.from({ length: KB_CUSTOMERS }, (_, i) => ({ visitorId: `visitor-slow-kb-${i}`, text: KB_QUESTION, kb: true })),
  ];
  const started = performance.now();
  const acks = await Promise.all(
    customers.map(async (c, i) => {
      const sent = performance.now();
      const res = await postWebMessage(service.url, { visitorId: c.visitorId, clientMessageId: `slow-${i}-00000000`, text: c.text }).catch(() => undefined);
      return { ok: res?.status === 202, ms: performance.now() - sent };
    }),
  );
  const store = await openStore({ dataDir, ...(database && { databaseUrl: database.url }) });
  const answered = await answerTimes(store, customers.map((c) => c.visitorId), started);
  await store.close();
  const waits = customers.map((c) => ({ kb: c.kb, seconds: answered.get(c.visitorId) }));
  const ackMs = acks.map((a) => a.ms).sort((a, b) => a - b);
  const kbWaits = waits.filter((w) => w.kb).map((w) => w.seconds ?? Infinity);
  const modelWaits = waits.filter((w) => !w.kb).map((w) => w.seconds ?? Infinity);

  console.log(`Slow model on ${storeName}: the model answers in ${MODEL_MS / 1000} s; ${MODEL_CUSTOMERS} customers ask it, ${KB_CUSTOMERS} ask the knowledge base, at once`);
  console.log(`  failed requests                     ${acks.filter((a) => !a.ok).length} / ${acks.length}`);
  console.log(`  webhook ack p50 / p99               ${percentile(ackMs, 50).toFixed(0)} ms / ${percentile(ackMs, 99).toFixed(0)} ms`);
  console.log(`  knowledge-base answers, all within  ${Math.max(...kbWaits).toFixed(2)} s`);
  console.log(`  model answers, all within           ${Math.max(...modelWaits).toFixed(2)} s (unanswered: ${modelWaits.filter((w) => w === Infinity).length})`);
  console.log(`  model requests seen by the fake     ${openai.requests.filter((r) => !knowledgeTranslationOf(r)).length}`);

  await stopServer(service);
  await openai.close();
  rmSync(dataDir, { recursive: true, force: true });
  await database?.drop();
}

await run('SQLite');
await run('PostgreSQL');
