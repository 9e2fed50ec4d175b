/**
 * The limits end to end through the whole service: messages over their rate get 429 with Retry-After and are
 * not stored, sockets over their count are refused at the upgrade, history comes in pages, the limits hold
 * across two replicas on PostgreSQL and on Redis, and a conversation past its model budget is answered offline.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sinon from 'sinon';
import { WebSocket } from 'ws';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { POLICY_LINES } from '../src/engine/llm-prompt.js';
import { startService, type RunningService } from '../src/service.js';
import { knowledgeTranslationOf, startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { useTestDatabase } from './support/postgres-database.js';
import { openVisitorSocket, type VisitorSocket } from './support/visitor-socket.js';
import { postWebMessage } from './support/web-requests.js';

/** Every limit off, so each test turns on only the one it is about. */
const NO_LIMITS = {
  WEB_MESSAGES_PER_VISITOR_PER_MINUTE: '0',
  WEB_MESSAGES_PER_IP_PER_MINUTE: '0',
  WEB_SOCKETS_PER_VISITOR: '0',
  WEB_SOCKETS_PER_IP: '0',
  WEB_SOCKETS_TOTAL: '0',
  LLM_CALLS_PER_CONVERSATION_PER_HOUR: '0',
};
/** Visitor ids of this run: Redis outlives test runs and is shared with other runs. */
const run = `${process.pid}${Date.now()}`;

interface HistoryPageBody {
  messages: { id: number; author: string; text: string }[];
  next: number | null;
}

/** Opens a socket the server is expected to refuse, and gives the upgrade's HTTP status. */
function refusedSocketStatus(url: string, visitorId: string): Promise<number> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/web/socket?visitorId=${visitorId}`);
  return new Promise((resolve, reject) => {
    // With this listener ws leaves the refused handshake to us: read the status, drop the connection.
    ws.once('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    ws.once('open', () => {
      reject(new Error(`socket for ${visitorId} was opened`));
      ws.terminate();
    });
  });
}

describe('limits end to end', function () {
  this.timeout(30_000);
  const dataDirs: string[] = [];
  const services: RunningService[] = [];
  const sockets: VisitorSocket[] = [];

  async function start(env: Record<string, string>, options: { databaseUrl?: string } = {}): Promise<RunningService> {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-limits-'));
    dataDirs.push(dataDir);
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ...NO_LIMITS, ...env, ...(options.databaseUrl && { DATABASE_URL: options.databaseUrl }) });
    const service = await startService(config, { logger: pino({ level: 'silent' }) });
    services.push(service);
    return service;
  }
  async function open(url: string, visitorId: string): Promise<VisitorSocket> {
    const socket = await openVisitorSocket(url, visitorId);
    sockets.push(socket);
    return socket;
  }

  afterEach(async () => {
    sinon.restore();
    for (const socket of sockets.splice(0)) await socket.close();
    for (const service of services.splice(0)) await service.stop();
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('on the embedded store', () => {
    it('answers 429 with Retry-After past a visitor’s rate, stores nothing, and takes the same message after the wait', async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      const { url, store } = await start({ WEB_MESSAGES_PER_VISITOR_PER_MINUTE: '3' });
      const visitorId = `visitor_rate_${run}`;
      for (let i = 0; i < 3; i += 1) {
        assert.equal((await postWebMessage(url, { visitorId, clientMessageId: `client_${i}_0000`, text: `question ${i}` })).status, 202);
      }
      const refused = await postWebMessage(url, { visitorId, clientMessageId: 'client_3_0000', text: 'one too many' });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '20');
      assert.equal(refused.headers.get('access-control-expose-headers'), 'Retry-After');
      assert.deepEqual(await refused.json(), { error: 'too many messages from this visitor; retry after 20 s', retryAfter: 20 });
      assert.deepEqual((await customerMessages(store, 'web', visitorId)).filter((m) => m.direction === 'in').map((m) => m.text), ['question 0', 'question 1', 'question 2']);

      clock.tick(20_000);
      assert.equal((await postWebMessage(url, { visitorId, clientMessageId: 'client_3_0000', text: 'one too many' })).status, 202);
      assert.equal((await postWebMessage(url, { visitorId, clientMessageId: 'client_4_0000', text: 'and another' })).status, 429);
    });

    it('limits everyone behind one address together, whatever X-Forwarded-For they claim', async () => {
      const { url } = await start({ WEB_MESSAGES_PER_IP_PER_MINUTE: '4' });
      const statuses = [];
      for (let i = 0; i < 6; i += 1) {
        // No proxy is trusted by default, so a forged header names no other client.
        const response = await fetch(`${url}/web/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
          body: JSON.stringify({ visitorId: `visitor_ip_${i}_${run}`, clientMessageId: 'client_0000', text: 'hello' }),
        });
        statuses.push(response.status);
        if (response.status === 429) assert.match(((await response.json()) as { error: string }).error, /from this address/);
      }
      assert.deepEqual(statuses, [202, 202, 202, 202, 429, 429]);
    });

    it('refuses sockets past the count per visitor and per address at the upgrade, and frees them on close', async () => {
      const { url } = await start({ WEB_SOCKETS_PER_VISITOR: '2', WEB_SOCKETS_PER_IP: '3' });
      const tab1 = await open(url, 'visitor_tabs_1');
      await open(url, 'visitor_tabs_1');
      assert.equal(await refusedSocketStatus(url, 'visitor_tabs_1'), 429);
      await open(url, 'visitor_tabs_2');
      assert.equal(await refusedSocketStatus(url, 'visitor_tabs_3'), 429, 'the address holds three');
      await tab1.close();
      // The lease is released when the server sees the connection close, a moment after the client does.
      const reopened = await eventually(() => openVisitorSocket(url, 'visitor_tabs_1').catch(() => undefined));
      sockets.push(reopened);
    });

    it('refuses sockets past the replica’s total, whoever asks', async () => {
      const { url } = await start({ WEB_SOCKETS_TOTAL: '2' });
      await open(url, 'visitor_total_1');
      await open(url, 'visitor_total_2');
      assert.equal(await refusedSocketStatus(url, 'visitor_total_3'), 429);
    });

    it('pages history: at most `limit` messages, a cursor to the next page, the same messages as one read', async () => {
      const { url } = await start({});
      const visitorId = `visitor_pages_${run}`;
      for (let i = 0; i < 4; i += 1) await postWebMessage(url, { visitorId, clientMessageId: `client_${i}_0000`, text: 'how long does shipping take?' });
      const read = async (after: number, limit: number) =>
        (await (await fetch(`${url}/web/history?visitorId=${visitorId}&after=${after}&limit=${limit}`)).json()) as HistoryPageBody;
      // Four questions, four answers and the disclosure.
      const whole = await eventually(async () => {
        const page = await read(0, 200);
        return page.messages.length >= 9 ? page : undefined;
      });
      assert.equal(whole.next, null);

      const paged: number[] = [];
      const sizes: number[] = [];
      for (let after: number | null = 0; after !== null; ) {
        const page: HistoryPageBody = await read(after, 4);
        sizes.push(page.messages.length);
        paged.push(...page.messages.map((m) => m.id));
        after = page.next;
      }
      assert.deepEqual(sizes, [4, 4, 1]);
      assert.deepEqual(paged, whole.messages.map((m) => m.id));

      const tooBig = await fetch(`${url}/web/history?visitorId=${visitorId}&limit=201`);
      assert.equal(tooBig.status, 400);
      assert.deepEqual(await tooBig.json(), { error: 'limit must be at most 200' });
    });
  });

  describe('across two replicas on PostgreSQL', () => {
    const databaseUrl = useTestDatabase('switchboard_limits_e2e');
    acrossReplicas(() => ({ databaseUrl }), {});
  });

  describe('across two replicas on Redis (REDIS_URL)', () => {
    acrossReplicas(() => ({}), { REDIS_URL: 'redis://127.0.0.1:6379' });
  });

  function acrossReplicas(options: () => { databaseUrl?: string }, env: Record<string, string>): void {
    it('counts one visitor’s messages and sockets on both replicas together', async () => {
      const limits = { ...env, WEB_MESSAGES_PER_VISITOR_PER_MINUTE: '3', WEB_SOCKETS_PER_VISITOR: '1' };
      const replicas = [await start(limits, options()), await start(limits, options())];
      const visitorId = `visitor_replicas_${run}`;
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push((await postWebMessage(replicas[i % 2]!.url, { visitorId, clientMessageId: `client_${i}_0000`, text: `question ${i}` })).status);
      }
      assert.deepEqual(statuses, [202, 202, 202, 429]);

      await open(replicas[0]!.url, visitorId);
      assert.equal(await refusedSocketStatus(replicas[1]!.url, visitorId), 429);
    });
  }

  describe('model calls per conversation', () => {
    let openai: FakeOpenAi;
    const t = createTranslator({ defaultLanguage: 'en' }).t;
    beforeEach(async () => {
      openai = await startFakeOpenAi();
      // Knowledge translations fail, so the knowledge base stays as the file has it.
      openai.respondWith((request) => (knowledgeTranslationOf(request) ? { status: 500 } : { text: 'An answer from the model.' }));
    });
    afterEach(() => openai.close());

    it('answers offline once a conversation has spent its hourly budget, and from the model again as it refills', async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      const { url, store } = await start({
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.baseUrl,
        OPENAI_MODEL: 'fake-model',
        LLM_CALLS_PER_CONVERSATION_PER_HOUR: '2',
      });
      const visitorId = `visitor_budget_${run}`;
      // Answer requests carry the assistant's policy in their system prompt; translations and classifications do not.
      const answerCalls = () => openai.requests.filter((r) => POLICY_LINES.every((line) => r.messages[0]?.content?.includes(line))).length;
      const ask = async (i: number, replies: number) => {
        await postWebMessage(url, { visitorId, clientMessageId: `client_${i}_0000`, text: 'Do you have a shop in Riga where I can see the products?', locale: 'en' });
        const messages = await eventually(async () => {
          const all = await customerMessages(store, 'web', visitorId);
          return all.filter((m) => m.direction === 'out').length >= replies ? all : undefined;
        });
        return messages.filter((m) => m.direction === 'out').map((m) => m.text);
      };
      await ask(0, 2);
      await ask(1, 3);
      const replies = await ask(2, 4);
      assert.deepEqual(replies, [t('en', 'disclosure'), 'An answer from the model.', 'An answer from the model.', t('en', 'fallback')]);
      assert.equal(answerCalls(), 2);

      clock.tick(30 * 60_000); // two an hour: one call back every half hour
      assert.equal((await ask(3, 5)).at(-1), 'An answer from the model.');
      assert.equal(answerCalls(), 3);
    });
  });
});
