/**
 * RETENTION_DAYS: its validation, and the sweeper deleting everything past retention batch by batch on a real
 * SQLite store while keeping what is recent.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { createRetentionSweeper } from '../src/insights/retention.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { createCollectingLogger } from './support/collecting-logger.js';

describe('retention', () => {
  it('RETENTION_DAYS is off by default, and a bad value names the variable and the fix', () => {
    assert.equal(loadConfig({}).retentionDays, undefined);
    assert.equal(loadConfig({ RETENTION_DAYS: '90' }).retentionDays, 90);
    for (const bad of ['0', '-3', '1.5', 'forever']) {
      assert.throws(() => loadConfig({ RETENTION_DAYS: bad }), (error: unknown) => error instanceof ConfigError && /RETENTION_DAYS/.test(error.message) && /RETENTION_DAYS=90/.test(error.message));
    }
  });

  describe('sweeper', () => {
    let dataDir: string;
    let store: Store;
    let clock = new Date('2026-01-01T00:00:00.000Z');

    beforeEach(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'switchboard-retention-'));
      store = await openStore({ dataDir, now: () => clock });
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    async function conversationAt(at: Date, id: string): Promise<number> {
      clock = at;
      const customer = await store.upsertCustomer({ channel: 'sms', id });
      const { conversation } = await store.openConversation(customer, 'en');
      await store.recordInbound({ conversationId: conversation.id, channel: 'sms', externalId: `in-${id}`, text: 'hi', receivedAt: at });
      return conversation.id;
    }

    it('deletes every conversation past retention in several batches, and keeps the recent ones', async () => {
      const old: number[] = [];
      for (let i = 0; i < 7; i += 1) old.push(await conversationAt(new Date(Date.UTC(2026, 0, 1 + i)), `+1555000000${i}`));
      const recent = await conversationAt(new Date('2026-04-01T00:00:00.000Z'), '+15550000099');
      const { logger, lines } = createCollectingLogger();
      const sweeper = createRetentionSweeper({ store, logger, retentionDays: 30, batchSize: 3, now: () => new Date('2026-04-10T00:00:00.000Z') });

      assert.equal(await sweeper.sweep(), 7);
      for (const id of old) assert.equal(await store.getConversation(id), undefined);
      assert.ok(await store.getConversation(recent));
      assert.equal(await sweeper.sweep(), 0);
      assert.ok(lines.some((line) => line.includes('"deleted":7')));
      await sweeper.stop();
    });
  });
});
