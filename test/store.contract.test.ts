/**
 * One contract, two backends: every Store behaviour the rest of Switchboard relies on, run against SQLite in
 * a temp dir and against a throwaway PostgreSQL database. PostgreSQL being down fails the run: CI has it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address, ChannelHints } from '../src/model.js';
import { openStore } from '../src/store/open-store.js';
import type { Conversation, DeliveryStatus, NewOutboundMessage, Store } from '../src/store/store.js';
import { useTestDatabase } from './support/postgres-database.js';

/** Opens a new connection to the suite's one database; the contract closes what it opens. */
type MakeStore = () => Promise<Store>;

const LEASE_MS = 30_000;
/** Later than anything a test schedules: claiming at this time drains every leftover row. */
const FAR_FUTURE = new Date('2999-01-01T00:00:00.000Z');

function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let nextAddress = 0;

    /** A fresh customer address, so tests sharing the database never see each other's rows. */
    function address(ref?: unknown): Address {
      nextAddress += 1;
      return { channel: 'sms', id: `+1555${String(nextAddress).padStart(7, '0')}`, ...(ref !== undefined && { ref }) };
    }

    async function newConversation(): Promise<{ conversation: Conversation; to: Address }> {
      const to = address();
      const customer = await store.upsertCustomer(to);
      const { conversation } = await store.openConversation(customer, 'en');
      return { conversation, to };
    }

    function replies(...texts: string[]): NewOutboundMessage[] {
      return texts.map((text) => ({ author: 'bot', text }));
    }

    /** A second from now: rows enqueued at the real clock are due by then. */
    function soon(): Date {
      return new Date(Date.now() + 1000);
    }

    /** Settles every row left by earlier tests, so claims below see only their own rows. */
    async function drainOutbox(): Promise<void> {
      for (;;) {
        const items = await store.claimDueOutbox(FAR_FUTURE, LEASE_MS, 1000);
        if (items.length === 0) return;
        for (const item of items) await store.markOutboxDead(item.id, 'drained by test', FAR_FUTURE);
      }
    }

    before(async () => {
      store = await makeStore();
      await store.migrate();
    });

    after(async () => {
      await store?.close();
    });

    describe('lifecycle', () => {
      it('migrates idempotently and answers ping', async () => {
        await store.migrate();
        await store.migrate();
        await store.ping();
      });
    });

    describe('customers', () => {
      it('upserts by address: same id, reference and name refreshed only when given', async () => {
        const at = address({ serviceUrl: 'https://one.example' });
        const first = await store.upsertCustomer(at, 'Ada');
        assert.equal(first.channel, 'sms');
        assert.equal(first.addressId, at.id);
        assert.deepEqual(first.addressRef, { serviceUrl: 'https://one.example' });
        assert.equal(first.displayName, 'Ada');
        assert.equal(first.optedOut, false);
        assert.ok(first.createdAt instanceof Date);

        const refreshed = await store.upsertCustomer({ ...at, ref: { serviceUrl: 'https://two.example' } });
        assert.equal(refreshed.id, first.id);
        assert.deepEqual(refreshed.addressRef, { serviceUrl: 'https://two.example' });
        assert.equal(refreshed.displayName, 'Ada');

        const kept = await store.upsertCustomer({ channel: at.channel, id: at.id }, 'Ada L.');
        assert.equal(kept.id, first.id);
        assert.deepEqual(kept.addressRef, { serviceUrl: 'https://two.example' });
        assert.equal(kept.displayName, 'Ada L.');
        assert.equal(kept.createdAt.getTime(), first.createdAt.getTime());
      });

      it('keeps one customer per channel and address', async () => {
        const at = address();
        const sms = await store.upsertCustomer(at);
        const whatsapp = await store.upsertCustomer({ ...at, channel: 'whatsapp' });
        assert.notEqual(whatsapp.id, sms.id);
        assert.equal((await store.findCustomer('sms', at.id))?.id, sms.id);
        assert.equal((await store.findCustomer('whatsapp', at.id))?.id, whatsapp.id);
        assert.equal(await store.findCustomer('web', at.id), undefined);
      });

      it('gets by id and records opting out', async () => {
        const customer = await store.upsertCustomer(address());
        assert.deepEqual(await store.getCustomer(customer.id), customer);
        await store.setOptedOut(customer.id, true);
        assert.equal((await store.getCustomer(customer.id))?.optedOut, true);
        await store.setOptedOut(customer.id, false);
        assert.equal((await store.getCustomer(customer.id))?.optedOut, false);
        assert.equal(await store.getCustomer(999_999), undefined);
      });
    });

    describe('conversations', () => {
      it('finds the open conversation or creates one in state bot', async () => {
        const customer = await store.upsertCustomer(address());
        const first = await store.openConversation(customer, 'lv');
        assert.equal(first.created, true);
        assert.equal(first.conversation.state, 'bot');
        assert.equal(first.conversation.language, 'lv');
        assert.equal(first.conversation.customerId, customer.id);
        assert.equal(first.conversation.channel, customer.channel);
        assert.equal(first.conversation.addressId, customer.addressId);
        assert.equal(first.conversation.failedAnswers, 0);
        assert.equal(first.conversation.lastInboundAt, null);

        const again = await store.openConversation(customer, 'en');
        assert.equal(again.created, false);
        assert.deepEqual(again.conversation, first.conversation);
      });

      it('starts a new conversation once the open one is closed', async () => {
        const customer = await store.upsertCustomer(address());
        const { conversation } = await store.openConversation(customer, 'en');
        await store.updateConversation(conversation.id, { state: 'agent' });
        assert.equal((await store.openConversation(customer, 'en')).conversation.id, conversation.id);

        await store.updateConversation(conversation.id, { state: 'closed' });
        const next = await store.openConversation(customer, 'ru');
        assert.equal(next.created, true);
        assert.notEqual(next.conversation.id, conversation.id);
        assert.equal(next.conversation.language, 'ru');
      });

      it('opens one conversation when two callers race', async () => {
        const customer = await store.upsertCustomer(address());
        const [a, b] = await Promise.all([store.openConversation(customer, 'en'), store.openConversation(customer, 'en')]);
        assert.equal(a.conversation.id, b.conversation.id);
      });

      it('updates only the patched fields', async () => {
        const { conversation } = await newConversation();
        const lastInboundAt = new Date('2025-03-04T05:06:07.089Z');
        const updated = await store.updateConversation(conversation.id, {
          language: 'ru',
          languageReason: 'detected from 3 messages',
          failedAnswers: 2,
          lastInboundAt,
        });
        assert.equal(updated.state, 'bot');
        assert.equal(updated.language, 'ru');
        assert.equal(updated.languageReason, 'detected from 3 messages');
        assert.equal(updated.failedAnswers, 2);
        assert.equal(updated.lastInboundAt?.toISOString(), lastInboundAt.toISOString());
        assert.ok(updated.updatedAt.getTime() >= conversation.updatedAt.getTime());
        assert.deepEqual(await store.getConversation(conversation.id), updated);

        const cleared = await store.updateConversation(conversation.id, { languageReason: null, lastInboundAt: null });
        assert.equal(cleared.languageReason, null);
        assert.equal(cleared.lastInboundAt, null);
        assert.equal(cleared.language, 'ru');
      });

      it('keeps the language evidence as JSON until it is replaced or cleared', async () => {
        const { conversation } = await newConversation();
        assert.equal(conversation.languageEvidence, null);
        const evidence = { recent: [{ scores: { lv: 0, lt: -1.25 }, weight: 0.5 }], confirmed: 'lv' };
        const updated = await store.updateConversation(conversation.id, { language: 'lv', languageEvidence: evidence });
        assert.deepEqual(updated.languageEvidence, evidence);
        assert.deepEqual((await store.updateConversation(conversation.id, { failedAnswers: 1 })).languageEvidence, evidence);
        assert.deepEqual((await store.getConversation(conversation.id))?.languageEvidence, evidence);
        assert.equal((await store.updateConversation(conversation.id, { languageEvidence: null })).languageEvidence, null);
      });

      it('rejects updating a conversation that does not exist', async () => {
        await assert.rejects(store.updateConversation(999_999, { state: 'bot' }), { code: 'store_not_found' });
        assert.equal(await store.getConversation(999_999), undefined);
      });
    });

    describe('messages', () => {
      it('records an inbound message once per idempotency key', async () => {
        const { conversation } = await newConversation();
        const receivedAt = new Date('2025-01-02T03:04:05.678Z');
        const media = [{ url: 'https://media.example/1.jpg', contentType: 'image/jpeg' }];
        const input = { conversationId: conversation.id, channel: 'sms' as const, externalId: `SM-${conversation.id}`, text: 'hi', media, receivedAt };

        const recorded = await store.recordInbound(input);
        assert.ok(recorded);
        assert.equal(recorded.direction, 'in');
        assert.equal(recorded.author, 'customer');
        assert.equal(recorded.text, 'hi');
        assert.deepEqual(recorded.media, media);
        assert.equal(recorded.externalId, input.externalId);
        assert.equal(recorded.deliveryStatus, null);
        assert.equal(recorded.createdAt.toISOString(), receivedAt.toISOString());

        assert.equal(await store.recordInbound({ ...input, text: 'hi again' }), undefined);
        assert.deepEqual(await store.findInbound('sms', input.externalId), recorded);
        assert.equal(await store.findInbound('whatsapp', input.externalId), undefined);
        assert.ok(await store.recordInbound({ ...input, channel: 'whatsapp' }), 'the key is unique per channel');
        assert.equal((await store.listMessages(conversation.id)).filter((m) => m.channel === 'sms').length, 1);
      });

      it('lists a conversation oldest first, after a cursor, up to a limit', async () => {
        const { conversation } = await newConversation();
        const ids: number[] = [];
        for (const text of ['one', 'two', 'three']) {
          const m = await store.recordInbound({ conversationId: conversation.id, channel: 'sms', externalId: `${conversation.id}-${text}`, text, receivedAt: new Date() });
          assert.ok(m);
          ids.push(m.id);
        }
        assert.deepEqual((await store.listMessages(conversation.id)).map((m) => m.text), ['one', 'two', 'three']);
        assert.deepEqual((await store.listMessages(conversation.id, { after: ids[0] })).map((m) => m.text), ['two', 'three']);
        assert.deepEqual((await store.listMessages(conversation.id, { after: ids[0], limit: 1 })).map((m) => m.text), ['two']);
        assert.deepEqual(await store.listMessages(conversation.id, { after: ids[2] }), []);
      });

      it("reads a turn's newest messages oldest first: every reply, and inbound ones only up to the turn's", async () => {
        const { conversation, to } = await newConversation();
        const inbound = async (text: string) => {
          const m = await store.recordInbound({ conversationId: conversation.id, channel: 'sms', externalId: `${conversation.id}-${text}`, text, receivedAt: new Date() });
          assert.ok(m);
          return m.id;
        };
        await inbound('one');
        await store.enqueueOutbound(conversation, replies('reply one'), to);
        const two = await inbound('two');
        await inbound('three (younger, in the same burst)');
        await store.enqueueOutbound(conversation, replies('reply two'), to);
        const texts = async (limit: number) => (await store.recentMessages(conversation.id, { throughInbound: two, limit })).map((m) => m.text);
        assert.deepEqual(await texts(10), ['one', 'reply one', 'two', 'reply two']);
        assert.deepEqual(await texts(2), ['two', 'reply two']);
      });

      it('lists every conversation of a customer for the widget history', async () => {
        const to = address();
        const customer = await store.upsertCustomer(to);
        const first = (await store.openConversation(customer, 'en')).conversation;
        const inFirst = await store.recordInbound({ conversationId: first.id, channel: 'sms', externalId: `h-${first.id}`, text: 'first', receivedAt: new Date() });
        await store.enqueueOutbound(first, replies('reply'), to);
        await store.updateConversation(first.id, { state: 'closed' });
        const second = (await store.openConversation(customer, 'en')).conversation;
        await store.recordInbound({ conversationId: second.id, channel: 'sms', externalId: `h-${second.id}`, text: 'second', receivedAt: new Date() });
        const other = await newConversation();
        await store.recordInbound({ conversationId: other.conversation.id, channel: 'sms', externalId: `h-${other.conversation.id}`, text: 'other', receivedAt: new Date() });

        assert.deepEqual((await store.listCustomerMessages(customer.id)).map((m) => m.text), ['first', 'reply', 'second']);
        assert.deepEqual((await store.listCustomerMessages(customer.id, { after: inFirst?.id })).map((m) => m.text), ['reply', 'second']);
        assert.deepEqual((await store.listCustomerMessages(customer.id, { limit: 2 })).map((m) => m.text), ['first', 'reply']);
      });
    });

    describe('handoffs', () => {
      const T0 = new Date('2025-05-05T09:00:00.000Z');
      const later = (ms: number) => new Date(T0.getTime() + ms);

      it('opens one live handoff per conversation and ties it to its desk thread', async () => {
        const { conversation } = await newConversation();
        const first = await store.createHandoff({ conversationId: conversation.id, reason: 'asked_for_human', language: 'lv', pagedAt: T0 });
        assert.equal(first.created, true);
        assert.equal(first.handoff.status, 'queued');
        assert.equal(first.handoff.reason, 'asked_for_human');
        assert.equal(first.handoff.language, 'lv');
        assert.equal(first.handoff.pagedAt.toISOString(), T0.toISOString());
        assert.equal(first.handoff.lastPagedAt.toISOString(), T0.toISOString());
        assert.equal(first.handoff.repagedCount, 0);
        assert.equal(first.handoff.deskThread, null);

        const again = await store.createHandoff({ conversationId: conversation.id, reason: 'frustration', language: 'lv', pagedAt: later(1) });
        assert.equal(again.created, false);
        assert.equal(again.handoff.id, first.handoff.id);

        const threaded = await store.setHandoffThread(first.handoff.id, 'C-queue', `${conversation.id}.000100`);
        assert.equal(threaded.deskChannel, 'C-queue');
        assert.deepEqual(await store.findHandoffByThread('C-queue', `${conversation.id}.000100`), threaded);
        assert.deepEqual(await store.findActiveHandoff(conversation.id), threaded);
        assert.deepEqual(await store.getHandoff(first.handoff.id), threaded);
        assert.equal(await store.findHandoffByThread('C-other', `${conversation.id}.000100`), undefined);
      });

      it('keeps the staff summary on the handoff through a claim', async () => {
        const { conversation } = await newConversation();
        const { handoff } = await store.createHandoff({ conversationId: conversation.id, reason: 'asked_for_human', language: 'es', pagedAt: T0 });
        assert.equal(handoff.summary, null);
        const summary = { language: 'en', text: 'Customer wants a refund for order 123.' };
        assert.deepEqual((await store.setHandoffSummary(handoff.id, summary)).summary, summary);
        const { handoff: claimed } = await store.claimHandoff(handoff.id, { id: 'U-A', name: 'Anna' }, later(1000));
        assert.deepEqual(claimed.summary, summary);
        assert.deepEqual((await store.getHandoff(handoff.id))?.summary, summary);
        await assert.rejects(store.setHandoffSummary(999_999, summary), { code: 'store_not_found' });
      });

      it('lets exactly one of two racing agents claim, and tells the loser who has it', async () => {
        const { conversation } = await newConversation();
        const { handoff } = await store.createHandoff({ conversationId: conversation.id, reason: 'frustration', language: 'en', pagedAt: T0 });
        const [a, b] = await Promise.all([
          store.claimHandoff(handoff.id, { id: 'U-A', name: 'Anna' }, later(60_000)),
          store.claimHandoff(handoff.id, { id: 'U-B', name: 'Bruno' }, later(60_001)),
        ]);
        assert.equal([a, b].filter((r) => r.claimed).length, 1);
        const winner = a.claimed ? a : b;
        const loser = a.claimed ? b : a;
        assert.equal(loser.handoff.claimedBy, winner.handoff.claimedBy);
        assert.equal(winner.handoff.status, 'claimed');
        assert.ok(winner.handoff.claimedAt);
        await assert.rejects(store.claimHandoff(999_999, { id: 'U-A', name: 'Anna' }, T0), { code: 'store_not_found' });
      });

      it('ends a live handoff once; a new one can then open', async () => {
        const { conversation } = await newConversation();
        const { handoff } = await store.createHandoff({ conversationId: conversation.id, reason: 'repeated_misses', language: 'en', pagedAt: T0 });
        const released = await store.endHandoff(handoff.id, 'released', later(1000));
        assert.equal(released?.status, 'released');
        assert.equal(released?.endedAt?.toISOString(), later(1000).toISOString());
        assert.equal(await store.endHandoff(handoff.id, 'closed', later(2000)), undefined);
        assert.equal(await store.findActiveHandoff(conversation.id), undefined);
        assert.equal((await store.claimHandoff(handoff.id, { id: 'U-A', name: 'Anna' }, later(3000))).claimed, false);
        const next = await store.createHandoff({ conversationId: conversation.id, reason: 'frustration', language: 'en', pagedAt: later(4000) });
        assert.equal(next.created, true);
        assert.notEqual(next.handoff.id, handoff.id);
      });

      it('records a re-page once per paging round and lists the queue oldest first', async () => {
        const a = await newConversation();
        const b = await newConversation();
        const first = (await store.createHandoff({ conversationId: a.conversation.id, reason: 'frustration', language: 'en', pagedAt: T0 })).handoff;
        const second = (await store.createHandoff({ conversationId: b.conversation.id, reason: 'frustration', language: 'en', pagedAt: later(1) })).handoff;
        const queued = (await store.listQueuedHandoffs()).map((h) => h.id);
        assert.ok(queued.indexOf(first.id) < queued.indexOf(second.id));

        assert.equal(await store.recordRepage(first.id, T0, later(300_000)), true);
        assert.equal(await store.recordRepage(first.id, T0, later(300_000)), false, 'another replica already re-paged');
        const repaged = await store.getHandoff(first.id);
        assert.equal(repaged?.repagedCount, 1);
        assert.equal(repaged?.lastPagedAt.toISOString(), later(300_000).toISOString());

        await store.claimHandoff(second.id, { id: 'U-C', name: 'Chen' }, later(120_000));
        assert.equal(await store.recordRepage(second.id, later(1), later(300_000)), false, 'claimed: no re-page');
        assert.ok(!(await store.listQueuedHandoffs()).some((h) => h.id === second.id));
        const recent = await store.listRecentClaims(100);
        assert.ok(recent.some((h) => h.id === second.id && h.claimedByName === 'Chen'));
        await store.endHandoff(first.id, 'closed', later(400_000));
        await store.endHandoff(second.id, 'closed', later(400_000));
      });

      it('records a webhook event id once per source', async () => {
        const id = `Ev${Date.now()}${nextAddress}`;
        assert.equal(await store.recordWebhookEvent('slack', id, T0), true);
        assert.equal(await store.recordWebhookEvent('slack', id, later(1000)), false);
        assert.equal(await store.recordWebhookEvent('other', id, T0), true);
      });
    });

    describe('customer data (access and erasure requests)', () => {
      const T0 = new Date('2025-06-01T10:00:00.000Z');

      /** A customer with a closed and an open conversation, messages, outbox rows and a handoff; and a bystander. */
      async function customerWithHistory() {
        const to = address({ serviceUrl: 'https://ref.example' });
        const customer = await store.upsertCustomer(to, 'Ada');
        const first = (await store.openConversation(customer, 'en')).conversation;
        const inbound = await store.recordInbound({ conversationId: first.id, channel: 'sms', externalId: `SM-gdpr-${to.id}-1`, text: 'my order is late', media: [{ url: 'https://m.example/1.jpg', contentType: 'image/jpeg' }], receivedAt: T0 });
        assert.ok(inbound);
        const outbox = await store.enqueueOutbound(first, [...replies('Sorry!'), { author: 'agent', agentName: 'Maija', text: 'On it.' }], to, { answering: inbound.id });
        const { handoff } = await store.createHandoff({ conversationId: first.id, reason: 'asked_for_human', language: 'en', pagedAt: T0 });
        await store.claimHandoff(handoff.id, { id: 'U-M', name: 'Maija' }, new Date(T0.getTime() + 60_000));
        await store.updateConversation(first.id, { state: 'closed', languageReason: 'detected' });
        const second = (await store.openConversation(customer, 'lv')).conversation;
        await store.recordInbound({ conversationId: second.id, channel: 'sms', externalId: `SM-gdpr-${to.id}-2`, text: 'sveiki', receivedAt: new Date(T0.getTime() + 120_000) });
        const bystander = await newConversation();
        const bystanderOutbox = await store.enqueueOutbound(bystander.conversation, replies('not erased'), bystander.to);
        return { to, customer, first, second, inbound, outbox, handoff, bystander, bystanderOutbox };
      }

      it('exports a customer with every conversation, message and handoff, oldest first', async () => {
        const { customer, first, second, handoff } = await customerWithHistory();
        const data = await store.exportCustomer(customer.id);
        assert.ok(data);
        assert.equal(data.customer.id, customer.id);
        assert.equal(data.customer.displayName, 'Ada');
        assert.deepEqual(data.customer.addressRef, { serviceUrl: 'https://ref.example' });
        assert.deepEqual(data.conversations.map((c) => [c.conversation.id, c.conversation.state, c.conversation.language]), [[first.id, 'closed', 'en'], [second.id, 'bot', 'lv']]);
        const [older, newer] = data.conversations;
        assert.deepEqual(older?.messages.map((m) => [m.author, m.agentName, m.text]), [['customer', null, 'my order is late'], ['bot', null, 'Sorry!'], ['agent', 'Maija', 'On it.']]);
        assert.deepEqual(older?.messages[0]?.media, [{ url: 'https://m.example/1.jpg', contentType: 'image/jpeg' }]);
        assert.deepEqual(older?.handoffs.map((h) => [h.id, h.status, h.claimedByName]), [[handoff.id, 'claimed', 'Maija']]);
        assert.deepEqual(newer?.messages.map((m) => m.text), ['sveiki']);
        assert.deepEqual(newer?.handoffs, []);
        assert.equal(await store.exportCustomer(999_999), undefined);
      });

      it('erases a customer and every row of theirs in one go, leaving other customers alone', async () => {
        const { to, customer, first, second, inbound, outbox, handoff, bystander, bystanderOutbox } = await customerWithHistory();
        assert.deepEqual(await store.eraseCustomer(customer.id), { messages: 4, conversations: 2, handoffs: 1, outbox: 2, surveys: 0 });

        assert.equal(await store.getCustomer(customer.id), undefined);
        assert.equal(await store.findCustomer('sms', to.id), undefined);
        assert.equal(await store.exportCustomer(customer.id), undefined);
        for (const conversation of [first, second]) {
          assert.equal(await store.getConversation(conversation.id), undefined);
          assert.deepEqual(await store.listMessages(conversation.id), []);
          assert.equal(await store.findActiveHandoff(conversation.id), undefined);
        }
        assert.equal(await store.getHandoff(handoff.id), undefined);
        assert.equal(await store.findInbound('sms', inbound.externalId ?? ''), undefined);
        for (const item of outbox) assert.equal(await store.getOutboxItem(item.id), undefined);

        assert.ok(await store.getConversation(bystander.conversation.id));
        assert.equal((await store.listMessages(bystander.conversation.id)).length, 1);
        assert.ok(await store.getOutboxItem(bystanderOutbox[0]!.id));
        assert.equal(await store.eraseCustomer(customer.id), undefined, 'a second erasure finds nothing');

        // The address is free again: the next message there is a new customer with a new conversation.
        const again = await store.upsertCustomer(to);
        assert.notEqual(again.id, customer.id);
        assert.equal((await store.openConversation(again, 'en')).created, true);
      });
    });

    describe('knowledge translations', () => {
      const polish = { entryId: 'shipping-time', language: 'pl', questions: ['ile trwa wysyłka?', 'kiedy dotrze paczka?'], answer: 'Wysyłka trwa 2–4 dni robocze.', short: '2–4 dni robocze.' };

      it('keeps translations per knowledge file hash, with and without a short answer', async () => {
        const hash = 'a'.repeat(64);
        const german = { entryId: 'returns', language: 'de', questions: ['Wie kann ich zurückgeben?'], answer: 'Rückgabe innerhalb von 30 Tagen.' };
        await store.saveKnowledgeTranslation(hash, polish);
        await store.saveKnowledgeTranslation(hash, german);
        const listed = await store.listKnowledgeTranslations(hash);
        const byKey = (a: { entryId: string }, b: { entryId: string }) => a.entryId.localeCompare(b.entryId);
        assert.deepEqual(listed.sort(byKey), [german, polish]);
        assert.deepEqual(await store.listKnowledgeTranslations('b'.repeat(64)), [], 'another file (a changed hash) has none');
      });

      it('keeps the first of two saves of the same file, language and entry (two replicas translating at once)', async () => {
        const hash = 'c'.repeat(64);
        await store.saveKnowledgeTranslation(hash, polish);
        await store.saveKnowledgeTranslation(hash, { ...polish, answer: 'Inne tłumaczenie.', short: undefined });
        assert.deepEqual(await store.listKnowledgeTranslations(hash), [polish]);
      });
    });

    describe('inbox', () => {
      /** Settles every unprocessed message left by earlier tests, so claims below see only their own. */
      async function drainInbox(): Promise<void> {
        for (;;) {
          const items = await store.claimInbox(FAR_FUTURE, LEASE_MS, 1000);
          if (items.length === 0) return;
          for (const item of items) await store.abandonInbox(item.message.id, FAR_FUTURE);
        }
      }

      async function inbound(conversation: Conversation, text: string, hints?: ChannelHints) {
        const message = await store.recordInbound({ conversationId: conversation.id, channel: 'sms', externalId: `${conversation.id}-${text}`, text, receivedAt: new Date(), ...(hints && { hints }) });
        assert.ok(message);
        return message;
      }

      it("leases only the oldest unprocessed message of each address; the next once it is processed, and never twice", async () => {
        await drainInbox();
        const a = await newConversation();
        const b = await newConversation();
        await inbound(a.conversation, 'a1', { locale: 'lv-LV', country: 'LV' });
        await inbound(a.conversation, 'a2');
        await inbound(b.conversation, 'b1');
        const now = new Date();
        const first = await store.claimInbox(now, LEASE_MS, 10);
        assert.deepEqual(first.map((i) => i.message.text), ['a1', 'b1']);
        assert.deepEqual([first[0]?.address, first[0]?.hints, first[0]?.attempts], [{ channel: 'sms', id: a.to.id }, { locale: 'lv-LV', country: 'LV' }, 1]);
        assert.deepEqual(first[1]?.hints, {});
        assert.deepEqual(await store.claimInbox(now, LEASE_MS, 10), [], 'leased, and a2 waits behind a1');

        await store.enqueueOutbound(a.conversation, replies('answer'), a.to, { answering: first[0]!.message.id });
        assert.deepEqual((await store.claimInbox(now, LEASE_MS, 10)).map((i) => i.message.text), ['a2']);
        // A worker whose lease ran out while another finished the turn queues nothing.
        await assert.rejects(store.enqueueOutbound(a.conversation, replies('twice'), a.to, { answering: first[0]!.message.id }), /already processed/);
        assert.deepEqual((await store.listMessages(a.conversation.id)).map((m) => m.text), ['a1', 'a2', 'answer']);
      });

      it('hands a message on when its lease runs out, counting attempts; a renewed or deferred lease holds it', async () => {
        await drainInbox();
        const { conversation } = await newConversation();
        const { id } = await inbound(conversation, 'c1');
        const t0 = new Date();
        const at = (ms: number) => new Date(t0.getTime() + ms);
        assert.equal((await store.claimInbox(t0, 1000, 10))[0]?.attempts, 1);
        await store.renewInboxLeases([id], at(5000));
        assert.deepEqual(await store.claimInbox(at(2000), 1000, 10), []);
        assert.equal((await store.claimInbox(at(6000), 1000, 10))[0]?.attempts, 2);
        await store.deferInbox(id, at(20_000));
        assert.deepEqual(await store.claimInbox(at(10_000), 1000, 10), []);
        assert.equal((await store.claimInbox(at(21_000), 1000, 10))[0]?.attempts, 3);
        assert.equal(await store.releaseOrphanedInbox(), name === 'SQLite' ? 1 : 0);
        await store.abandonInbox(id, at(22_000));
        assert.ok((await store.findInbound('sms', `${conversation.id}-c1`))?.processedAt instanceof Date);
        assert.deepEqual(await store.claimInbox(FAR_FUTURE, 1000, 10), []);
      });
    });

    describe('outbox', () => {
      beforeEach(drainOutbox);

      it('enqueues messages and outbox rows in order', async () => {
        const { conversation, to } = await newConversation();
        const items = await store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Maija', text: 'one' }, ...replies('two')], to);
        assert.equal(items.length, 2);
        const [first, second] = items;
        assert.ok(first && second);
        assert.ok(first.id < second.id && first.messageId < second.messageId);
        // The conversation's language travels with each delivery, for the words a channel adds around the text.
        assert.deepEqual(first.payload, { to, text: 'one', author: 'agent', agentName: 'Maija', language: 'en', messageId: first.messageId, conversationId: conversation.id });
        assert.deepEqual(second.payload, { to, text: 'two', author: 'bot', language: 'en', messageId: second.messageId, conversationId: conversation.id });
        assert.equal(first.status, 'pending');
        assert.equal(first.attempts, 0);
        assert.equal(first.leaseUntil, null);
        assert.equal(first.channel, 'sms');
        assert.deepEqual(await store.getOutboxItem(first.id), first);

        const messages = await store.listMessages(conversation.id);
        assert.deepEqual(messages.map((m) => [m.id, m.direction, m.author, m.agentName, m.text, m.deliveryStatus, m.externalId]), [
          [first.messageId, 'out', 'agent', 'Maija', 'one', 'pending', null],
          [second.messageId, 'out', 'bot', null, 'two', 'pending', null],
        ]);
        assert.deepEqual(await store.enqueueOutbound(conversation, [], to), []);
      });

      it('keeps the compliance flag in the outbox payload, and only on compliance replies', async () => {
        const { conversation, to } = await newConversation();
        const [confirmation, notice] = await store.enqueueOutbound(
          conversation,
          [{ author: 'system', text: 'Unsubscribed.', compliance: true }, { author: 'system', text: 'A person will reply soon.' }],
          to,
        );
        assert.ok(confirmation && notice);
        assert.equal((await store.getOutboxItem(confirmation.id))?.payload.compliance, true);
        assert.equal('compliance' in ((await store.getOutboxItem(notice.id))?.payload ?? {}), false);
      });

      it('records nothing when any message of the batch fails', async () => {
        const { conversation, to } = await newConversation();
        // A NOT NULL violation on the second row must roll the first back too.
        const broken = [...replies('fine'), { author: 'bot', text: null } as unknown as NewOutboundMessage];
        await assert.rejects(store.enqueueOutbound(conversation, broken, to));
        assert.deepEqual(await store.listMessages(conversation.id), []);
        assert.equal(await store.nextOutboxDueAt(), undefined);
      });

      it('claims only rows whose time has come', async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('later'), to);
        assert.ok(item);
        const retryAt = new Date(Date.now() + 60_000);
        await store.markOutboxRetry(item.id, 'rate limited', retryAt);
        assert.deepEqual(await store.claimDueOutbox(soon(), LEASE_MS, 10), []);

        const [claimed, ...rest] = await store.claimDueOutbox(retryAt, LEASE_MS, 10);
        assert.equal(rest.length, 0);
        assert.equal(claimed?.id, item.id);
        assert.equal(claimed?.status, 'inflight');
        assert.equal(claimed?.attempts, 1);
        assert.equal(claimed?.leaseUntil?.getTime(), retryAt.getTime() + LEASE_MS);
      });

      it('claims at most the oldest undelivered row of each conversation', async () => {
        const a = await newConversation();
        const b = await newConversation();
        const [a1, a2] = await store.enqueueOutbound(a.conversation, replies('a1', 'a2'), a.to);
        const [b1] = await store.enqueueOutbound(b.conversation, replies('b1'), b.to);
        assert.ok(a1 && a2 && b1);

        assert.deepEqual((await store.claimDueOutbox(soon(), LEASE_MS, 10)).map((i) => i.id), [a1.id, b1.id]);
        assert.deepEqual(await store.claimDueOutbox(soon(), LEASE_MS, 10), [], 'a2 waits while a1 is in flight');

        await store.markOutboxRetry(a1.id, 'timeout', soon());
        assert.deepEqual((await store.claimDueOutbox(soon(), LEASE_MS, 10)).map((i) => i.id), [a1.id], 'a1 again, not a2');

        await store.markOutboxSent(a1.id, `P-${a1.id}`, new Date());
        assert.deepEqual((await store.claimDueOutbox(soon(), LEASE_MS, 10)).map((i) => i.id), [a2.id]);
      });

      it('honours the limit', async () => {
        const conversations = [await newConversation(), await newConversation(), await newConversation()];
        for (const { conversation, to } of conversations) await store.enqueueOutbound(conversation, replies('x'), to);
        assert.equal((await store.claimDueOutbox(soon(), LEASE_MS, 2)).length, 2);
        assert.equal((await store.claimDueOutbox(soon(), LEASE_MS, 2)).length, 1);
      });

      it('re-claims an in-flight row once its lease runs out', async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('x'), to);
        assert.ok(item);
        const t0 = soon();
        assert.equal((await store.claimDueOutbox(t0, LEASE_MS, 10)).length, 1);
        assert.deepEqual(await store.claimDueOutbox(new Date(t0.getTime() + LEASE_MS - 1), LEASE_MS, 10), []);
        const [again] = await store.claimDueOutbox(new Date(t0.getTime() + LEASE_MS), LEASE_MS, 10);
        assert.equal(again?.id, item.id);
        assert.equal(again?.attempts, 2);
      });

      it('never gives one row to two concurrent claimers', async () => {
        const other = await makeStore();
        try {
          const ids: number[] = [];
          for (let i = 0; i < 12; i += 1) {
            const { conversation, to } = await newConversation();
            const [item] = await store.enqueueOutbound(conversation, replies(`c${i}`), to);
            assert.ok(item);
            ids.push(item.id);
          }
          const at = soon();
          const batches = await Promise.all([
            store.claimDueOutbox(at, LEASE_MS, 100),
            other.claimDueOutbox(at, LEASE_MS, 100),
            store.claimDueOutbox(at, LEASE_MS, 100),
            other.claimDueOutbox(at, LEASE_MS, 100),
          ]);
          const claimed = batches.flat().map((i) => i.id);
          assert.equal(new Set(claimed).size, claimed.length, 'no row claimed twice');
          assert.deepEqual([...claimed].sort((x, y) => x - y), ids);
          assert.ok(batches.flat().every((i) => i.attempts === 1));
        } finally {
          await other.close();
        }
      });

      it('marks sent, records the provider id on the message, and takes status callbacks', async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('hello'), to);
        assert.ok(item);
        await store.claimDueOutbox(soon(), LEASE_MS, 10);
        const providerId = `SM-sent-${item.id}`;
        await store.markOutboxSent(item.id, providerId, new Date());

        const sent = await store.getOutboxItem(item.id);
        assert.equal(sent?.status, 'sent');
        assert.equal(sent?.providerId, providerId);
        assert.equal(sent?.leaseUntil, null);
        const [message] = await store.listMessages(conversation.id);
        assert.equal(message?.externalId, providerId);
        assert.equal(message?.deliveryStatus, 'sent');

        const delivered = await store.setDeliveryStatus('sms', providerId, 'delivered');
        assert.equal(delivered?.id, item.messageId);
        assert.equal(delivered?.deliveryStatus, 'delivered');
        assert.equal(await store.setDeliveryStatus('whatsapp', providerId, 'read'), undefined);
        assert.equal(await store.setDeliveryStatus('sms', 'SM-unknown', 'read'), undefined);
        assert.equal(await store.findInbound('sms', providerId), undefined, 'an outbound id is not an inbound key');
      });

      it('records the delivered parts of a long message on its row, in order, across a retry', async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('long'), to);
        assert.ok(item);
        assert.deepEqual(item.sentParts, []);
        await store.recordOutboxPart(item.id, 'SM-part-1');
        await store.markOutboxRetry(item.id, 'part 2 failed', new Date(0));
        await store.recordOutboxPart(item.id, 'SM-part-2');
        const [claimed] = await store.claimDueOutbox(soon(), LEASE_MS, 10);
        assert.deepEqual(claimed?.sentParts, ['SM-part-1', 'SM-part-2']);
        await assert.rejects(store.recordOutboxPart(999_999, 'x'), { code: 'store_not_found' });
      });

      it('never moves a delivery state backwards: late callbacks are ignored, failures are final', async () => {
        const { conversation, to } = await newConversation();
        const [a, b] = await store.enqueueOutbound(conversation, replies('a', 'b'), to);
        assert.ok(a && b);
        await store.markOutboxSent(a.id, `SM-order-${a.id}`, new Date());
        await store.markOutboxSent(b.id, `SM-order-${b.id}`, new Date());
        const walk = async (id: string, statuses: DeliveryStatus[]) => {
          const seen: (DeliveryStatus | null | undefined)[] = [];
          for (const status of statuses) seen.push((await store.setDeliveryStatus('sms', id, status))?.deliveryStatus);
          return seen;
        };
        assert.deepEqual(await walk(`SM-order-${a.id}`, ['delivered', 'sent', 'queued', 'read', 'delivered', 'failed']), [
          'delivered',
          'delivered',
          'delivered',
          'read',
          'read',
          'read',
        ]);
        assert.deepEqual(await walk(`SM-order-${b.id}`, ['undelivered', 'delivered', 'read', 'sent']), ['undelivered', 'undelivered', 'undelivered', 'undelivered']);
      });

      it('marks retry and dead; a dead row releases the next one', async () => {
        const { conversation, to } = await newConversation();
        const [first, second] = await store.enqueueOutbound(conversation, replies('1', '2'), to);
        assert.ok(first && second);
        await store.claimDueOutbox(soon(), LEASE_MS, 10);
        const retryAt = new Date(Date.now() + 5000);
        await store.markOutboxRetry(first.id, '503 from provider', retryAt);
        const retried = await store.getOutboxItem(first.id);
        assert.equal(retried?.status, 'pending');
        assert.equal(retried?.lastError, '503 from provider');
        assert.equal(retried?.nextAttemptAt.getTime(), retryAt.getTime());
        assert.equal(retried?.leaseUntil, null);
        assert.equal(retried?.attempts, 1);

        await store.markOutboxDead(first.id, '21610 unsubscribed', new Date());
        const dead = await store.getOutboxItem(first.id);
        assert.equal(dead?.status, 'dead');
        assert.equal(dead?.lastError, '21610 unsubscribed');
        assert.equal((await store.listMessages(conversation.id))[0]?.deliveryStatus, 'failed');
        assert.deepEqual((await store.claimDueOutbox(soon(), LEASE_MS, 10)).map((i) => i.id), [second.id]);
        await assert.rejects(store.markOutboxSent(999_999, 'x', new Date()), { code: 'store_not_found' });
      });

      it('tells when the next row falls due', async () => {
        assert.equal(await store.nextOutboxDueAt(), undefined);
        const { conversation, to } = await newConversation();
        const before = Date.now();
        const [first] = await store.enqueueOutbound(conversation, replies('1', '2'), to);
        assert.ok(first);
        const due = await store.nextOutboxDueAt();
        assert.ok(due && due.getTime() >= before - 1 && due.getTime() <= Date.now());

        const at = soon();
        await store.claimDueOutbox(at, LEASE_MS, 10);
        // The first row is in flight and the second waits behind it: the next chance is the lease's end.
        assert.equal((await store.nextOutboxDueAt())?.getTime(), at.getTime() + LEASE_MS);

        const retryAt = new Date(Date.now() + 120_000);
        await store.markOutboxRetry(first.id, 'later', retryAt);
        assert.equal((await store.nextOutboxDueAt())?.getTime(), retryAt.getTime());

        await store.markOutboxSent(first.id, `P-${first.id}`, new Date());
        const released = await store.nextOutboxDueAt();
        assert.ok(released && released.getTime() <= Date.now(), 'the second row is due now');
      });

      it('records when an attempt started, and an expired lease as an unknown outcome from that start', async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('x'), to);
        assert.ok(item);
        assert.deepEqual([item.attemptStartedAt, item.outcomeUnknownSince, item.failingSince], [null, null, null]);
        const t0 = soon();
        const [first] = await store.claimDueOutbox(t0, LEASE_MS, 10);
        assert.deepEqual([first?.attemptStartedAt?.getTime(), first?.outcomeUnknownSince], [t0.getTime(), null]);
        const t1 = new Date(t0.getTime() + LEASE_MS);
        const [again] = await store.claimDueOutbox(t1, LEASE_MS, 10);
        assert.deepEqual([again?.attemptStartedAt?.getTime(), again?.outcomeUnknownSince?.getTime()], [t1.getTime(), t0.getTime()]);
        await store.recordOutboxPart(item.id, 'SM-part-1');
        assert.equal((await store.getOutboxItem(item.id))?.outcomeUnknownSince, null, 'the unknown part is known once recorded');
      });

      it('opens the retry window at the first failure and keeps it; an unknown outcome is kept until settled', async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('x'), to);
        assert.ok(item);
        const t0 = soon();
        await store.claimDueOutbox(t0, LEASE_MS, 10);
        const t1 = new Date(t0.getTime() + 1000);
        await store.markOutboxRetry(item.id, 'timed out', t0, { now: t1, outcomeUnknown: true });
        const retried = await store.getOutboxItem(item.id);
        assert.deepEqual([retried?.failingSince?.getTime(), retried?.outcomeUnknownSince?.getTime()], [t1.getTime(), t0.getTime()]);
        const t2 = new Date(t1.getTime() + 5000);
        await store.claimDueOutbox(t2, LEASE_MS, 10);
        await store.markOutboxRetry(item.id, '500', t2, { now: new Date(t2.getTime() + 1) });
        const later = await store.getOutboxItem(item.id);
        assert.deepEqual([later?.failingSince?.getTime(), later?.outcomeUnknownSince?.getTime()], [t1.getTime(), t0.getTime()]);
      });

      it('renews the lease only for the attempt that holds it', async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('x'), to);
        assert.ok(item);
        const t0 = soon();
        const [claimed] = await store.claimDueOutbox(t0, LEASE_MS, 10);
        assert.ok(claimed);
        const renewed = new Date(t0.getTime() + 3 * LEASE_MS);
        assert.equal(await store.renewOutboxLease(item.id, claimed.attempts, renewed), true);
        assert.deepEqual(await store.claimDueOutbox(new Date(t0.getTime() + 2 * LEASE_MS), LEASE_MS, 10), [], 'still held');
        assert.equal(await store.renewOutboxLease(item.id, claimed.attempts + 1, renewed), false, 'not another attempt');
        await store.markOutboxSent(item.id, 'SM-renewed', new Date());
        assert.equal(await store.renewOutboxLease(item.id, claimed.attempts, renewed), false, 'not once settled');
      });

      it(`releases rows left in flight at start only where one process owns the database (${name === 'SQLite' ? 'here' : 'not here'})`, async () => {
        const { conversation, to } = await newConversation();
        const [item] = await store.enqueueOutbound(conversation, replies('x'), to);
        assert.ok(item);
        const t0 = soon();
        await store.claimDueOutbox(t0, 60 * LEASE_MS, 10);
        assert.equal(await store.releaseOrphanedOutbox(t0), name === 'SQLite' ? 1 : 0);
        const [again] = await store.claimDueOutbox(t0, LEASE_MS, 10);
        assert.equal(again?.id, name === 'SQLite' ? item.id : undefined);
      });

      it('settles a row waiting with an unknown outcome from a status callback, and nothing else', async () => {
        const { conversation, to } = await newConversation();
        const [waiting] = await store.enqueueOutbound(conversation, replies('a'), to);
        const other = await newConversation();
        const [sent] = await store.enqueueOutbound(other.conversation, replies('b'), other.to);
        assert.ok(waiting && sent);
        assert.equal(await store.settleOutboxAccepted(waiting.id, 'SM-accepted', new Date()), false, 'not while its outcome is known');
        const t0 = soon();
        await store.claimDueOutbox(t0, LEASE_MS, 10);
        assert.equal(await store.settleOutboxAccepted(waiting.id, 'SM-accepted', new Date()), false, 'not while an attempt holds it');
        await store.markOutboxRetry(waiting.id, 'timed out', t0, { now: t0, outcomeUnknown: true });
        await store.markOutboxSent(sent.id, 'SM-b', new Date());
        assert.equal(await store.settleOutboxAccepted(waiting.id, 'SM-accepted', new Date()), true);
        assert.equal(await store.settleOutboxAccepted(sent.id, 'SM-other', new Date()), false);
        assert.deepEqual([(await store.getOutboxItem(waiting.id))?.status, (await store.getOutboxItem(waiting.id))?.providerId], ['sent', 'SM-accepted']);
        assert.equal((await store.findOutbound('sms', 'SM-accepted'))?.id, waiting.messageId);
        assert.equal(await store.findOutbound('sms', 'SM-unknown'), undefined);
        assert.equal(await store.findOutbound('whatsapp', 'SM-accepted'), undefined);
      });

      it('holds a conversation behind an expired row until it is re-driven; a dead row holds nothing', async () => {
        const { conversation, to } = await newConversation();
        const [first, second] = await store.enqueueOutbound(conversation, replies('1', '2'), to);
        assert.ok(first && second);
        await store.claimDueOutbox(soon(), LEASE_MS, 10);
        await store.markOutboxExpired(first.id, 'undelivered for a day', new Date());
        assert.equal((await store.getOutboxItem(first.id))?.status, 'expired');
        assert.equal((await store.listMessages(conversation.id))[0]?.deliveryStatus, 'failed');
        assert.deepEqual(await store.claimDueOutbox(soon(), LEASE_MS, 10), [], 'the second waits behind it');
        assert.equal(await store.nextOutboxDueAt(), undefined, 'and nothing is due');

        const redriven = await store.redriveOutbox(first.id, new Date());
        assert.deepEqual([redriven?.redriven, redriven?.item.status, redriven?.item.failingSince], [true, 'pending', null]);
        assert.equal((await store.listMessages(conversation.id))[0]?.deliveryStatus, 'pending');
        assert.deepEqual((await store.claimDueOutbox(soon(), LEASE_MS, 10)).map((i) => i.id), [first.id]);
        const again = await store.redriveOutbox(first.id, new Date());
        assert.deepEqual([again?.redriven, again?.item.status], [false, 'inflight'], 'only a dead or expired row is re-driven');
        await store.markOutboxDead(first.id, 'refused', new Date());
        assert.deepEqual((await store.claimDueOutbox(soon(), LEASE_MS, 10)).map((i) => i.id), [second.id]);
        assert.equal(await store.redriveOutbox(999_999, new Date()), undefined);
      });
    });
  });
}

describe('SQLite store', () => {
  let dataDir = '';
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-store-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  describeStoreContract('SQLite', () => openStore({ dataDir }));
});

describe('PostgreSQL store', () => {
  const databaseUrl = useTestDatabase('switchboard_test');
  describeStoreContract('PostgreSQL', () => openStore({ databaseUrl, dataDir: tmpdir() }));
});
