/**
 * The web channel end to end through the whole service: HTTP in, the real engine and SQLite store, the outbox
 * delivering over the WebSocket, history after a cursor, health endpoints and a graceful stop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { openStore } from '../src/store/open-store.js';
import { postWebMessage } from './support/web-requests.js';
import { eventually } from './support/eventually.js';
import { useTestDatabase } from './support/postgres-database.js';

interface HistoryBody {
  messages: { id: number; author: string; text: string }[];
}

function describeWebEndToEnd(backend: string, databaseUrl: () => string | undefined): void {
  describe(`web channel end to end on ${backend}`, () => {
    let dataDir: string;
    let service: RunningService | undefined;

    const start = async (extra: Record<string, string> = {}): Promise<RunningService> => {
      const url = databaseUrl();
      const env = { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(url && { DATABASE_URL: url }), ...extra };
      service = await startService(loadConfig(env), { logger: pino({ level: 'silent' }) });
      return service;
    };
    const history = async (url: string, visitorId: string, after = 0): Promise<HistoryBody> =>
      (await (await fetch(`${url}/web/history?visitorId=${visitorId}&after=${after}`)).json()) as HistoryBody;

    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'switchboard-web-e2e-'));
    });
    afterEach(async () => {
      await service?.stop();
      service = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers a question with the AI disclosure first, live over the socket and in the history', async () => {
      const { url } = await start();
      const socket = new WebSocket(`${url.replace('http', 'ws')}/web/socket?visitorId=visitor-e2e-0001`);
      const pushed: string[] = [];
      socket.on('message', (data: Buffer) => pushed.push((JSON.parse(data.toString()) as { message: { text: string } }).message.text));
      await new Promise((resolve) => socket.once('open', resolve));

      const res = await postWebMessage(url, { visitorId: 'visitor-e2e-0001', clientMessageId: 'client-0001', text: 'how long does shipping take?' });
      assert.equal(res.status, 202);
      await eventually(() => pushed.length >= 2 || undefined);
      socket.close();
      assert.match(pushed[0]!, /automated assistant \(AI\)/);
      assert.match(pushed[1]!, /business days/);

      const { messages } = await history(url, 'visitor-e2e-0001');
      assert.deepEqual(messages.map((m) => m.author), ['customer', 'bot', 'bot']);
      const after = await history(url, 'visitor-e2e-0001', messages[1]!.id);
      assert.deepEqual(after.messages.map((m) => m.id), [messages[2]!.id], 'history after a cursor');
    });

    it('stores and answers a repeated client message id once', async () => {
      const { url } = await start();
      const message = { visitorId: 'visitor-e2e-0002', clientMessageId: 'client-0001', text: 'what payment methods do you accept?' };
      const first = (await (await postWebMessage(url, message)).json()) as { messageId: number; duplicate: boolean };
      const again = (await (await postWebMessage(url, message)).json()) as { messageId: number; duplicate: boolean };
      assert.deepEqual(again, { messageId: first.messageId, duplicate: true });
      // The turn runs after the acknowledgement: wait until its replies are there, then check nothing is doubled.
      const messages = await eventually(async () => {
        const current = (await history(url, 'visitor-e2e-0002')).messages;
        return current.filter((m) => m.author === 'bot').length >= 2 ? current : undefined;
      });
      assert.equal(messages.filter((m) => m.author === 'customer').length, 1);
      assert.equal(messages.filter((m) => m.author === 'bot').length, 2);
    });

    it('refuses bad input with a reason and stores nothing', async () => {
      const { url } = await start();
      const cases = [
        { visitorId: 'visitor-e2e-0003', clientMessageId: 'client-0001', text: '   ' },
        { visitorId: 'visitor-e2e-0003', clientMessageId: 'client-0002', text: 'x'.repeat(5000) },
        { visitorId: 'bad id!', clientMessageId: 'client-0003', text: 'hello' },
      ];
      for (const body of cases) {
        const res = await postWebMessage(url, body);
        assert.equal(res.status, 400);
        assert.match(((await res.json()) as { error: string }).error, /text|visitorId/);
      }
      assert.equal(await service!.store.findCustomer('web', 'visitor-e2e-0003'), undefined);
    });

    it('with SUGGESTIONS=on offers the nearest entries by number when unsure, and answers the one the customer picks', async () => {
      const { url } = await start({ SUGGESTIONS: 'on' });
      const visitorId = 'visitor-e2e-0005';
      await postWebMessage(url, { visitorId, clientMessageId: 'client-0001', text: 'I got the wrong size' });
      await service!.idle();
      const offered = (await history(url, visitorId)).messages.at(-1)!;
      assert.match(offered.text, /reply with its number:\n1\. my item arrived damaged/i);
      // The offer is the conversation's state, stored with it: the next message's "1" is read against it.
      await postWebMessage(url, { visitorId, clientMessageId: 'client-0002', text: '1' });
      await service!.idle();
      const { messages } = await history(url, visitorId);
      assert.match(messages.at(-1)!.text, /^Sorry about that! Send us a photo of the item/);
      // Once answered the offer is gone: the same "1" again is an ordinary message, not understood.
      await postWebMessage(url, { visitorId, clientMessageId: 'client-0003', text: '1' });
      await service!.idle();
      assert.match((await history(url, visitorId)).messages.at(-1)!.text, /didn't get that/);
    });

    it('reports health and readiness', async () => {
      const { url } = await start();
      assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
      assert.deepEqual(await (await fetch(`${url}/readyz`)).json(), { status: 'ready' });
      assert.match(await (await fetch(`${url}/metrics`)).text(), /switchboard_process_resident_memory_bytes/);
    });

    it('keeps everything across a restart: a stop drains, the next start continues the conversation', async () => {
      const first = await start();
      await postWebMessage(first.url, { visitorId: 'visitor-e2e-0004', clientMessageId: 'client-0001', text: 'hello' });
      await first.stop();
      service = undefined;

      // Nothing left undelivered by the graceful stop.
      const store = await openStore({ dataDir, databaseUrl: databaseUrl() });
      assert.equal(await store.nextOutboxDueAt(), undefined);
      await store.close();

      const second = await start();
      await postWebMessage(second.url, { visitorId: 'visitor-e2e-0004', clientMessageId: 'client-0002', text: 'how can I return an item?' });
      // Both turns run after their acknowledgements (the first perhaps only after the restart): wait for the answer.
      await second.idle();
      const { messages } = await history(second.url, 'visitor-e2e-0004');
      const disclosures = messages.filter((m) => /automated assistant/.test(m.text));
      assert.equal(disclosures.length, 1, 'one conversation, disclosed once');
      assert.equal(messages.filter((m) => m.author === 'customer').length, 2);
    });
  });
}

describeWebEndToEnd('SQLite', () => undefined);

describe('on PostgreSQL', () => {
  const databaseUrl = useTestDatabase('switchboard_web_e2e');
  describeWebEndToEnd('PostgreSQL', () => databaseUrl);
});
