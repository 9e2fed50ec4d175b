/**
 * Two replicas of the service on one PostgreSQL database, as a load balancer would spread one customer's messages
 * over them: the customer's turns still run one at a time, in the order the messages were recorded, whichever
 * replica recorded them (the inbox's leases, see src/inbox/inbox-worker.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { useTestDatabase } from './support/postgres-database.js';
import { postWebMessage } from './support/web-requests.js';
import { eventually } from './support/eventually.js';
import { expectedReplies, ORDERED_QUESTIONS } from './support/ordered-questions.js';

describe('replicas', () => {
  // The database outlives the replicas: the outer suite's hooks create it first and drop it last.
  const databaseUrl = useTestDatabase('switchboard_replicas');

  describe('two replicas on one PostgreSQL database', () => {
    const replicas: RunningService[] = [];
    const dataDirs: string[] = [];

    before(async () => {
      for (let i = 0; i < 2; i += 1) {
        const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-replica-'));
        dataDirs.push(dataDir);
        const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
        replicas.push(await startService(config, { logger: pino({ level: 'silent' }) }));
      }
    });
    after(async () => {
      for (const replica of replicas) await replica.stop();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });

    it("never interleaves one customer's turns when their messages arrive at both replicas at once", async () => {
      const visitorId = 'visitor-replicas-01';
      const posts = Array.from({ length: 12 }, (_, i) =>
        postWebMessage(replicas[i % 2]!.url, { visitorId, clientMessageId: `client-${i}`, text: ORDERED_QUESTIONS[i % ORDERED_QUESTIONS.length]! }),
      );
      const responses = await Promise.all(posts);
      assert.ok(responses.every((r) => r.status === 202));

      const customer = await replicas[0]!.store.findCustomer('web', visitorId);
      // Either replica may run a turn: each takes the customer's oldest unprocessed message once the one before is done.
      const messages = await eventually(async () => {
        const all = await replicas[0]!.store.listCustomerMessages(customer!.id);
        return all.every((m) => m.direction === 'out' || m.processedAt !== null) && all;
      });
      const conversations = new Set(messages.map((m) => m.conversationId));
      assert.equal(conversations.size, 1, 'one conversation, not one per replica');
      // One disclosure, then exactly one answer per message, in the order the messages were recorded.
      assert.deepEqual(messages.filter((m) => m.direction === 'out').map((m) => m.text), expectedReplies(messages));
    });
  });
});
