/**
 * The staff desk's inbox in the store, on both backends: an event id is recorded once, a thread's events are
 * handed out one at a time in the order recorded, different threads side by side, and a live lease is honoured.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { useTestDatabase } from './support/postgres-database.js';

const LEASE_MS = 30_000;

function describeDeskEventsContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`desk events in the store: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await makeStore();
      await store.migrate();
    });
    after(() => store.close());

    const event = (eventId: string, orderKey: string) => ({ source: 'slack', eventId, orderKey, payload: JSON.stringify({ eventId }), receivedAt: new Date() });

    it('records an event id once, and leases one event per thread, oldest first, until it is finished', async () => {
      assert.equal(await store.recordDeskEvent(event('EvA1', 'C1:1.0')), true);
      assert.equal(await store.recordDeskEvent(event('EvA1', 'C1:1.0')), false, 'a redelivery is refused');
      assert.equal(await store.recordWebhookEvent('slack', 'EvA1', new Date()), false, 'the id is taken in webhook_events too');
      assert.equal(await store.recordDeskEvent(event('EvA2', 'C1:1.0')), true);
      assert.equal(await store.recordDeskEvent(event('EvB1', 'C1:2.0')), true);

      const now = new Date();
      const first = await store.claimDeskEvents(now, LEASE_MS, 10);
      assert.deepEqual(first.map((e) => [e.eventId, e.attempts]), [['EvA1', 1], ['EvB1', 1]]);
      assert.deepEqual(await store.claimDeskEvents(now, LEASE_MS, 10), [], 'leased events, and the thread behind them, wait');

      const [a1, b1] = first;
      await store.finishDeskEvent(a1!.id, now);
      assert.deepEqual((await store.claimDeskEvents(now, LEASE_MS, 10)).map((e) => e.eventId), ['EvA2']);
      // A failed event is due again after its deferral, with its attempts counted.
      await store.deferDeskEvent(b1!.id, new Date(now.getTime() + 1000));
      assert.deepEqual(await store.claimDeskEvents(now, LEASE_MS, 10), []);
      assert.deepEqual((await store.claimDeskEvents(new Date(now.getTime() + 1000), LEASE_MS, 10)).map((e) => [e.eventId, e.attempts]), [['EvB1', 2]]);
    });

    it('finishes a staff reply\'s event with the reply\'s queuing, so a repeat of its turn after a crash sends nothing', async () => {
      const customer = await store.upsertCustomer({ channel: 'sms', id: '+15550001111' });
      const { conversation } = await store.openConversation(customer, 'en');
      const address = { channel: 'sms' as const, id: customer.addressId };
      assert.equal(await store.recordDeskEvent(event('EvR1', 'C9:1.0')), true);
      const [reply] = await store.claimDeskEvents(new Date(), LEASE_MS, 10);
      assert.equal(reply?.eventId, 'EvR1');

      await store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Ana', text: 'Hi, Ana here.' }], address, { deskEvent: reply!.id });
      // The process died before the inbox finished the event: after the lease, the event is not handed out again...
      const later = await store.claimDeskEvents(new Date(Date.now() + 2 * LEASE_MS), LEASE_MS, 10);
      assert.ok(!later.some((e) => e.eventId === 'EvR1'), 'the finished event is not leased again');
      // ...and a worker that still held it queues nothing more.
      await assert.rejects(
        store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Ana', text: 'Hi, Ana here.' }], address, { deskEvent: reply!.id }),
        (error: Error & { code?: string }) => error.code === 'inbox_superseded',
      );
      const sent = (await store.listMessages(conversation.id)).filter((message) => message.author === 'agent');
      assert.deepEqual(sent.map((message) => message.text), ['Hi, Ana here.']);
    });
  });
}

describe('SQLite desk events', () => {
  let dataDir = '';
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-desk-events-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  describeDeskEventsContract('SQLite', () => openStore({ dataDir }));
});

describe('PostgreSQL desk events', () => {
  const databaseUrl = useTestDatabase('switchboard_desk_events');
  describeDeskEventsContract('PostgreSQL', () => openStore({ databaseUrl, dataDir: tmpdir() }));
});
