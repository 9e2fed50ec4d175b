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
