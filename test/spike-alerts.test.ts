/**
 * Spike detection against the trailing week, and the alert check on both stores: counts per topic and hour from
 * real rows (escalations, answering knowledge entries, unanswered messages), examples, English texts by default,
 * one post per topic and hour, also with two replicas checking one PostgreSQL database at once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpikeAlerts, type SpikeAlert } from '../src/insights/spike-alerts.js';
import { findSpikes } from '../src/insights/spike-detection.js';
import { createStaffTexts } from '../src/insights/staff-texts.js';
import { openStore } from '../src/store/open-store.js';
import type { Store, TopicCount } from '../src/store/store.js';
import { alertMessage } from '../adapters/slack/slack-alert-blocks.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { useTestDatabase } from './support/postgres-database.js';

const HOUR = 60 * 60 * 1000;
const RULE = { factor: 3, minCount: 5, baselineHours: 168 };
const count = (key: string, hour: string, n: number): TopicCount => ({ kind: 'entry', key, hour, count: n });

describe('spike detection', () => {
  it('needs three times the median hourly count of the week, and at least the minimum', () => {
    // Four an hour, every hour of the week.
    const busy = Array.from({ length: 168 }, (_, h) => count('shipping', `h${h}`, 4));
    assert.deepEqual(findSpikes([count('shipping', 'now', 11)], busy, RULE), []);
    assert.deepEqual(findSpikes([count('shipping', 'now', 12)], busy, RULE), [{ kind: 'entry', key: 'shipping', count: 12, usual: 4 }]);
    // A topic seen in only a few hours of the week usually runs at zero: the minimum alone decides.
    const rare = Array.from({ length: 10 }, (_, h) => count('returns', `h${h}`, 9));
    assert.deepEqual(findSpikes([count('returns', 'now', 4)], rare, RULE), []);
    assert.deepEqual(findSpikes([count('returns', 'now', 5)], rare, RULE), [{ kind: 'entry', key: 'returns', count: 5, usual: 0 }]);
  });

  it('lays the alert out for Slack with every text escaped', () => {
    const message = alertMessage({ topic: 'unanswered:', title: 'Spike: <b>', figures: '7 & more', examplesHeading: 'Examples', examples: ['<@U123> hi', 'a\nb'] });
    const text = JSON.stringify(message);
    assert.ok(!text.includes('<@U123>') && !text.includes('<b>'));
    assert.match(text, /&lt;@U123&gt; hi/);
    assert.match(text, /7 &amp; more/);
    assert.match(text, /> a b/);
  });
});

function describeCheck(name: string, open: () => Promise<Store>): void {
  describe(`spike check: ${name}`, () => {
    const now = new Date('2026-06-10T12:30:00.000Z');
    let store: Store;
    let seq = 0;

    before(async () => {
      store = await open();
      await store.migrate();
    });
    after(() => store.close());

    /** A customer message at `at`, answered by `entry`, or unanswered when entry is undefined. */
    async function message(at: Date, text: string, entry?: string): Promise<void> {
      seq += 1;
      const customer = await store.upsertCustomer({ channel: 'web', id: `visitor-${name}-${seq}` });
      const { conversation } = await store.openConversation(customer, 'en');
      const recorded = await store.recordInbound({ conversationId: conversation.id, channel: 'web', externalId: `spike-${name}-${seq}`, text, receivedAt: at });
      assert.ok(recorded);
      if (entry === undefined) await store.markUnanswered(recorded.id);
      else await store.recordAnswerEntry(recorded.id, entry);
    }

    it('alerts the topics running above their week, once per hour, with examples of the last hour', async () => {
      // The week before: returns asked 3 times every hour.
      for (let h = 2; h <= 168; h += 1) for (let i = 0; i < 3; i += 1) await message(new Date(now.getTime() - h * HOUR), 'how do I return an item?', 'returns');
      // The last hour: returns as usual (8 < 3 × 3), but shipping and unanswered questions spike.
      for (let i = 0; i < 8; i += 1) await message(new Date(now.getTime() - (i + 1) * 60_000), 'how do I return an item?', 'returns');
      for (let i = 0; i < 6; i += 1) await message(new Date(now.getTime() - (i + 1) * 60_000), `where is my parcel ${i}?`, 'shipping');
      for (let i = 0; i < 5; i += 1) await message(new Date(now.getTime() - (i + 1) * 60_000), 'is the shop on fire?');

      const posted: SpikeAlert[] = [];
      const alerts = createSpikeAlerts({
        store,
        channel: { postAlert: async (alert) => void posted.push(alert) },
        texts: createStaffTexts(),
        language: 'fr', // no staff.json: English
        minCount: 5,
        logger: createCollectingLogger().logger,
        clock: { now: () => now, schedule: () => ({ cancel: () => undefined }) },
      });
      await alerts.check();
      assert.deepEqual(posted.map((a) => a.topic).sort(), ['entry:shipping', 'unanswered:']);
      const shipping = posted.find((a) => a.topic === 'entry:shipping');
      assert.equal(shipping?.title, 'Spike: questions answered by the knowledge entry “shipping”');
      assert.equal(shipping?.figures, '6 in the last hour; usually 0 an hour (median of the last 7 days).');
      assert.deepEqual(shipping?.examples, ['where is my parcel 0?', 'where is my parcel 1?', 'where is my parcel 2?']);
      assert.deepEqual(posted.find((a) => a.topic === 'unanswered:')?.examples, ['is the shop on fire?']);

      await alerts.check();
      assert.equal(posted.length, 2, 'no second alert for a topic within the hour');
    });

    it('claims a topic once per hour, and not again within 60 minutes across the turn of the hour', async () => {
      const at = (time: string) => new Date(`2026-06-11T${time}:00.000Z`);
      assert.equal(await store.claimSpikeAlert('entry:sizes', '2026-06-11T12', 6, at('12:59')), true);
      assert.equal(await store.claimSpikeAlert('entry:sizes', '2026-06-11T12', 6, at('12:59')), false);
      assert.equal(await store.claimSpikeAlert('entry:sizes', '2026-06-11T13', 7, at('13:05')), false);
      assert.equal(await store.claimSpikeAlert('entry:colours', '2026-06-11T13', 7, at('13:05')), true);
      assert.equal(await store.claimSpikeAlert('entry:sizes', '2026-06-11T14', 9, at('14:00')), true);
    });
  });
}

describe('spike alerts on the stores', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-spikes-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));
  describeCheck('SQLite', () => openStore({ dataDir }));

  describe('PostgreSQL', () => {
    const databaseUrl = useTestDatabase('switchboard_spikes');
    describeCheck('PostgreSQL', () => openStore({ databaseUrl, dataDir: tmpdir() }));

    it('two replicas checking at once post each alert once', async () => {
      const replicas = [await openStore({ databaseUrl, dataDir: tmpdir() }), await openStore({ databaseUrl, dataDir: tmpdir() })];
      try {
        await replicas[0]?.migrate();
        const at = new Date('2026-05-01T09:30:00.000Z');
        for (let i = 0; i < 7; i += 1) {
          const customer = await replicas[0]!.upsertCustomer({ channel: 'web', id: `visitor-replica-spike-${i}` });
          const { conversation } = await replicas[0]!.openConversation(customer, 'en');
          const recorded = await replicas[0]!.recordInbound({ conversationId: conversation.id, channel: 'web', externalId: `replica-spike-${i}`, text: 'hello?', receivedAt: new Date(at.getTime() - 60_000) });
          await replicas[0]!.markUnanswered(recorded!.id);
        }
        const posted: SpikeAlert[] = [];
        const checks = [...replicas, ...replicas].map((store) =>
          createSpikeAlerts({
            store,
            channel: { postAlert: async (alert) => void posted.push(alert) },
            texts: createStaffTexts(),
            language: 'en',
            minCount: 5,
            logger: createCollectingLogger().logger,
            clock: { now: () => at, schedule: () => ({ cancel: () => undefined }) },
          }),
        );
        await Promise.all(checks.map((check) => check.check()));
        assert.deepEqual(posted.map((a) => a.topic), ['unanswered:']);
      } finally {
        for (const store of replicas) await store.close();
      }
    });
  });
});
