/**
 * The operator queries of the store (outbox backlog, insight figures, retention), one contract run against
 * SQLite in a temp dir and a throwaway PostgreSQL database. The store's clock is moved per test, so rows are
 * stamped at the times a test needs and each test reads only its own period.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.js';
import type { Conversation, Store } from '../src/store/store.js';
import { useTestDatabase } from './support/postgres-database.js';

function describeInsightsContract(name: string, open: (now: () => Date) => Promise<Store>): void {
  describe(`Store insights and retention: ${name}`, () => {
    let store: Store;
    let clock = new Date('2026-01-01T00:00:00.000Z');
    let next = 0;

    before(async () => {
      store = await open(() => clock);
      await store.migrate();
    });
    after(() => store.close());

    /** A conversation opened at `at`, with one customer message then and the bot's reply, delivered. */
    async function conversationAt(at: Date, text = 'where is my order', options: { unanswered?: boolean; channel?: 'sms' | 'web' } = {}): Promise<Conversation> {
      clock = at;
      next += 1;
      const channel = options.channel ?? 'sms';
      const customer = await store.upsertCustomer({ channel, id: `+1666${String(next).padStart(7, '0')}` });
      const { conversation } = await store.openConversation(customer, 'en');
      const message = await store.recordInbound({ conversationId: conversation.id, channel, externalId: `in-${next}`, text, receivedAt: at });
      assert.ok(message);
      if (options.unanswered) await store.markUnanswered(message.id);
      const updated = await store.updateConversation(conversation.id, { lastInboundAt: at, language: next % 2 === 0 ? 'lv' : 'en' });
      const [item] = await store.enqueueOutbound(updated, [{ author: 'bot', text: 'Here is how.' }], { channel, id: customer.addressId }, { answering: message.id });
      assert.ok(item);
      await store.markOutboxSent(item.id, `SM${next}`, at);
      return updated;
    }

    it('reads the outbox backlog of the whole store: how many replies wait and since when', async () => {
      const before = await store.outboxBacklog();
      const conversation = await conversationAt(new Date('2026-02-01T10:00:00.000Z'));
      const customer = await store.getCustomer(conversation.customerId);
      assert.ok(customer);
      clock = new Date('2026-02-01T10:05:00.000Z');
      await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'one more' }], { channel: 'sms', id: customer.addressId });
      const after = await store.outboxBacklog();
      assert.equal(after.pending, before.pending + 1);
      assert.ok(after.oldestCreatedAt && after.oldestCreatedAt.getTime() <= clock.getTime());
      for (const item of await store.claimDueOutbox(new Date('2999-01-01T00:00:00.000Z'), 1000, 100)) await store.markOutboxDead(item.id, 'test', clock);
      assert.equal((await store.outboxBacklog()).pending, 0);
    });

    it('counts conversations per day and channel, resolution, handoffs, claim waits and unanswered messages of a period', async () => {
      const day1 = new Date('2026-03-02T09:00:00.000Z');
      const day2 = new Date('2026-03-03T09:00:00.000Z');
      await conversationAt(day1); // resolved: answered, no handoff, quiet for 24 h
      await conversationAt(day1, 'do you sell gift cards', { unanswered: true }); // a knowledge gap: not resolved
      const handedOver = await conversationAt(day2, 'I want a person', { channel: 'web' });
      clock = day2;
      const { handoff } = await store.createHandoff({ conversationId: handedOver.id, reason: 'human_request', language: 'en', pagedAt: day2 });
      await store.claimHandoff(handoff.id, { id: 'U1', name: 'Ann' }, new Date(day2.getTime() + 90_000));
      await conversationAt(new Date('2026-03-20T09:00:00.000Z')); // outside the period

      const figures = await store.insightFigures({ from: new Date('2026-03-01T00:00:00.000Z'), to: new Date('2026-03-08T00:00:00.000Z') }, new Date('2026-03-10T00:00:00.000Z'), 100);
      assert.deepEqual(
        figures.days.map((d) => ({ ...d })),
        [
          { day: '2026-03-02', channel: 'sms', conversations: 2, settled: 2, resolved: 1 },
          { day: '2026-03-03', channel: 'web', conversations: 1, settled: 1, resolved: 0 },
        ],
      );
      assert.deepEqual(figures.handoffReasons, [{ reason: 'human_request', handoffs: 1 }]);
      assert.deepEqual(figures.claimWaits, [90]);
      assert.deepEqual(figures.unanswered.map((u) => u.text), ['do you sell gift cards']);
      assert.equal(figures.languages.reduce((sum, l) => sum + l.conversations, 0), 3);

      // Within 24 h of the last message nothing is settled yet: the customer may still come back.
      const early = await store.insightFigures({ from: new Date('2026-03-01T00:00:00.000Z'), to: new Date('2026-03-08T00:00:00.000Z') }, new Date('2026-03-03T12:00:00.000Z'), 100);
      assert.deepEqual(early.days.map((d) => [d.day, d.settled, d.resolved]), [['2026-03-02', 2, 1], ['2026-03-03', 0, 0]]);
    });

    it('retention deletes inactive conversations in batches with their messages, outbox rows and handoffs, and keeps the customer', async () => {
      const old1 = await conversationAt(new Date('2025-01-01T09:00:00.000Z'));
      const old2 = await conversationAt(new Date('2025-01-02T09:00:00.000Z'));
      clock = new Date('2025-01-02T09:00:00.000Z');
      const { handoff } = await store.createHandoff({ conversationId: old2.id, reason: 'human_request', language: 'en', pagedAt: clock });
      await store.endHandoff(handoff.id, 'closed', clock);
      // Old but with a reply still to deliver: kept until it is settled.
      const waiting = await conversationAt(new Date('2025-01-03T09:00:00.000Z'));
      const waitingCustomer = await store.getCustomer(waiting.customerId);
      assert.ok(waitingCustomer);
      await store.enqueueOutbound(waiting, [{ author: 'bot', text: 'still going' }], { channel: 'sms', id: waitingCustomer.addressId });
      // Old conversation with a recent message: active, kept.
      const revived = await conversationAt(new Date('2025-01-04T09:00:00.000Z'));
      await store.recordInbound({ conversationId: revived.id, channel: 'sms', externalId: `late-${revived.id}`, text: 'hello again', receivedAt: new Date('2025-06-01T00:00:00.000Z') });

      const cutoff = new Date('2025-05-01T00:00:00.000Z');
      // Older conversations from earlier tests are not past this cutoff (they are from 2026).
      assert.equal(await store.deleteInactiveConversations(cutoff, 1), 1);
      assert.equal(await store.deleteInactiveConversations(cutoff, 1), 1);
      assert.equal(await store.deleteInactiveConversations(cutoff, 1), 0);

      for (const gone of [old1, old2]) {
        assert.equal(await store.getConversation(gone.id), undefined);
        assert.deepEqual(await store.listMessages(gone.id), []);
        assert.equal(await store.findActiveHandoff(gone.id), undefined);
        assert.ok(await store.getCustomer(gone.customerId), 'the customer (and their opt-out) stays');
      }
      assert.ok(await store.getConversation(waiting.id));
      assert.ok(await store.getConversation(revived.id));
      assert.equal((await store.listMessages(revived.id)).length, 3);
    });
  });
}

describe('SQLite store (insights)', () => {
  let dataDir = '';
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-insights-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  describeInsightsContract('SQLite', (now) => openStore({ dataDir, now }));
});

describe('PostgreSQL store (insights)', () => {
  const databaseUrl = useTestDatabase('switchboard_insights');
  describeInsightsContract('PostgreSQL', (now) => openStore({ databaseUrl, dataDir: tmpdir(), now }));
});
