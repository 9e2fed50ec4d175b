/**
 * The survey sweeper on both stores: which conversations count as ended (quiet after our last word, closed by
 * staff) and which are never asked (still talking, waiting for a person, opted out, a WhatsApp window about to
 * close); once per conversation; and two replicas sweeping one PostgreSQL database at once still ask once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTranslator } from '../src/i18n.js';
import { createSurveySweeper, type SurveySweeper } from '../src/insights/survey-sweeper.js';
import type { Channel } from '../src/model.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { useTestDatabase } from './support/postgres-database.js';
import { createOutbox } from '../src/outbox/outbox.js';

const MINUTE = 60_000;
const translator = createTranslator({ defaultLanguage: 'en' });
const QUESTION = translator.t('en', 'surveyQuestion');

function describeSweeper(name: string, open: (now: () => Date) => Promise<Store>): void {
  describe(`survey sweeper: ${name}`, () => {
    const start = new Date('2026-03-02T10:00:00.000Z');
    let at = start;
    let store: Store;
    let next = 0;

    before(async () => {
      store = await open(() => at);
      await store.migrate();
    });
    after(() => store.close());

    function sweeperAt(now: Date): SurveySweeper {
      return createSurveySweeper({
        store,
        translator,
        logger: createCollectingLogger().logger,
        afterMinutes: 30,
        outbox: createOutbox(store),
        clock: { now: () => now, schedule: () => ({ cancel: () => undefined }) },
      });
    }

    /** A customer asks at `when` and, unless `answered` is false, the bot answers at once. */
    async function conversation(when: Date, options: { channel?: Channel; answered?: boolean } = {}) {
      next += 1;
      at = when;
      const channel = options.channel ?? 'sms';
      const customer = await store.upsertCustomer({ channel, id: `+1666${name.length}${String(next).padStart(6, '0')}` });
      const { conversation: opened } = await store.openConversation(customer, 'en');
      const message = await store.recordInbound({ conversationId: opened.id, channel, externalId: `sweep-${name}-${next}`, text: 'hello', receivedAt: when });
      const conversation = await store.updateConversation(opened.id, { lastInboundAt: when });
      if (options.answered !== false) await store.enqueueOutbound(conversation, [{ author: 'bot', text: 'hi!' }], { channel, id: customer.addressId }, { answering: message?.id ?? 0 });
      return { customer, conversation };
    }

    async function asked(conversationId: number): Promise<number> {
      return (await store.listMessages(conversationId)).filter((m) => m.text === QUESTION).length;
    }

    it('asks ended conversations once, each with who looked after it, and leaves the others alone', async () => {
      const idle = await conversation(start);
      const recent = await conversation(new Date(start.getTime() + 20 * MINUTE));
      const unanswered = await conversation(start, { answered: false });
      const optedOut = await conversation(start);
      await store.setOptedOut(optedOut.customer.id, true);
      const waiting = await conversation(start);
      await store.createHandoff({ conversationId: waiting.conversation.id, reason: 'requested', language: 'en', pagedAt: start });
      await store.updateConversation(waiting.conversation.id, { state: 'queued' });
      // Staff claimed and closed this one just now: it is due at once, as a human conversation.
      const closed = await conversation(new Date(start.getTime() + 35 * MINUTE));
      const { handoff } = await store.createHandoff({ conversationId: closed.conversation.id, reason: 'requested', language: 'en', pagedAt: at });
      await store.claimHandoff(handoff.id, { id: 'U1', name: 'Anna' }, at);
      await store.endHandoff(handoff.id, 'closed', at);
      await store.updateConversation(closed.conversation.id, { state: 'closed' });

      const now = new Date(start.getTime() + 40 * MINUTE);
      at = now;
      assert.equal(await sweeperAt(now).sweep(), 2);
      assert.equal(await asked(idle.conversation.id), 1);
      assert.equal(await asked(closed.conversation.id), 1);
      for (const other of [recent, unanswered, optedOut, waiting]) assert.equal(await asked(other.conversation.id), 0);
      const surveys = await Promise.all([idle, closed].map(async (c) => (await store.exportCustomer(c.customer.id))?.conversations[0]?.survey));
      assert.deepEqual(surveys.map((s) => s?.handledBy), ['bot', 'human']);

      assert.equal(await sweeperAt(new Date(now.getTime() + 60 * MINUTE)).sweep(), 1, 'only the conversation that has since gone quiet');
      assert.equal(await asked(recent.conversation.id), 1);
      assert.equal(await asked(idle.conversation.id), 1);
      // A data erasure takes the survey with it.
      assert.equal((await store.eraseCustomer(idle.customer.id))?.surveys, 1);
    });

    it('asks on WhatsApp only with an hour of the 24-hour window left, and never about a conversation a day old', async () => {
      const base = new Date(start.getTime() + 10 * 24 * 60 * MINUTE);
      const whatsappLate = await conversation(base, { channel: 'whatsapp' });
      const smsLate = await conversation(base);
      const whatsappEarly = await conversation(new Date(base.getTime() + 2 * 60 * MINUTE), { channel: 'whatsapp' });
      const now = new Date(base.getTime() + 23.5 * 60 * MINUTE);
      at = now;
      await sweeperAt(now).sweep();
      assert.equal(await asked(whatsappLate.conversation.id), 0);
      assert.equal(await asked(smsLate.conversation.id), 1);
      assert.equal(await asked(whatsappEarly.conversation.id), 1);

      const stale = await conversation(new Date(base.getTime() + 30 * 24 * 60 * MINUTE));
      const later = new Date(stale.conversation.lastInboundAt!.getTime() + 25 * 60 * MINUTE);
      at = later;
      await sweeperAt(later).sweep();
      assert.equal(await asked(stale.conversation.id), 0);
      // Retention deletes surveyed conversations with their survey, once their replies are delivered.
      const far = new Date('2100-01-01T00:00:00.000Z');
      for (let due = await store.claimDueOutbox(far, MINUTE, 1000); due.length > 0; due = await store.claimDueOutbox(far, MINUTE, 1000)) {
        for (const item of due) await store.markOutboxSent(item.id, `provider-${item.id}`, far);
      }
      assert.ok((await store.deleteInactiveConversations(far, 1000)) >= 2);
    });
  });
}

describe('survey sweeper', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-survey-sweeper-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));
  describeSweeper('SQLite', (now) => openStore({ dataDir, now }));

  describe('PostgreSQL', () => {
    const databaseUrl = useTestDatabase('switchboard_survey_sweeper');
    describeSweeper('PostgreSQL', (now) => openStore({ databaseUrl, dataDir: tmpdir(), now }));

    it('two replicas sweeping at once ask each conversation once', async () => {
      const at = new Date('2026-05-01T10:00:00.000Z');
      const replicas = [await openStore({ databaseUrl, dataDir: tmpdir(), now: () => at }), await openStore({ databaseUrl, dataDir: tmpdir(), now: () => at })];
      try {
        const [first, second] = replicas as [Store, Store];
        await first.migrate();
        const ids: number[] = [];
        for (let i = 0; i < 20; i += 1) {
          const customer = await first.upsertCustomer({ channel: 'web', id: `visitor-replica-survey-${i}` });
          const { conversation } = await first.openConversation(customer, 'en');
          const message = await first.recordInbound({ conversationId: conversation.id, channel: 'web', externalId: `replica-survey-${i}`, text: 'hello', receivedAt: at });
          const updated = await first.updateConversation(conversation.id, { lastInboundAt: at });
          await first.enqueueOutbound(updated, [{ author: 'bot', text: 'hi!' }], { channel: 'web', id: customer.addressId }, { answering: message?.id ?? 0 });
          ids.push(conversation.id);
        }
        const now = new Date(at.getTime() + 31 * MINUTE);
        const sweepers = [...replicas, ...replicas].map((store) =>
          createSurveySweeper({ store, translator, logger: createCollectingLogger().logger, afterMinutes: 30, outbox: createOutbox(store), clock: { now: () => now, schedule: () => ({ cancel: () => undefined }) } }),
        );
        const counts = await Promise.all(sweepers.map((sweeper) => sweeper.sweep()));
        assert.equal(counts.reduce((sum, n) => sum + n, 0), 20);
        for (const id of ids) assert.equal((await second.listMessages(id)).filter((m) => m.text === QUESTION).length, 1);
      } finally {
        for (const store of replicas) await store.close();
      }
    });
  });
});
