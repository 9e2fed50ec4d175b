/**
 * The webhook half of the inbox: an event its adapter verified is deduplicated and durably recorded — the
 * customer, their open conversation and the message, unprocessed — and nothing more, so the webhook answers at
 * once. The turn (language, model, replies, desk) runs later from the inbox worker (see inbox-worker.ts).
 */
import type { Inbound, ReceiveResult } from '../model.js';
import type { Message, Store } from '../store/store.js';

type RecordingStore = Pick<Store, 'findInbound' | 'upsertCustomer' | 'openConversation' | 'recordInbound'>;
export type InboxRecorderStore = RecordingStore & { atomically<T>(work: (store: RecordingStore) => Promise<T>): Promise<T> };

export interface InboxRecorderOptions {
  store: InboxRecorderStore;
  /** The language a new conversation starts in, until its first turn decides. */
  defaultLanguage: string;
}

export interface InboxRecorder {
  /** Records the event; a redelivery of one already recorded (by this or another replica) is a duplicate. */
  record(inbound: Inbound): Promise<ReceiveResult>;
}

const duplicateOf = (message: Message): ReceiveResult => ({ duplicate: true, conversationId: message.conversationId, messageId: message.id });

export function createInboxRecorder(options: InboxRecorderOptions): InboxRecorder {
  const { defaultLanguage } = options;
  return {
    // One transaction: the webhook waits for one commit instead of one per row written.
    record: (inbound) => options.store.atomically((store) => recordIn(store, inbound)),
  };

  async function recordIn(store: RecordingStore, inbound: Inbound): Promise<ReceiveResult> {
    const { channel } = inbound.from;
    const seen = await store.findInbound(channel, inbound.externalId);
    if (seen) return duplicateOf(seen);
    const customer = await store.upsertCustomer(inbound.from, inbound.hints?.name);
    const { conversation } = await store.openConversation(customer, defaultLanguage);
    const message = await store.recordInbound({
      conversationId: conversation.id,
      channel,
      externalId: inbound.externalId,
      text: inbound.text,
      media: inbound.media ?? [],
      ...(inbound.hints && { hints: inbound.hints }),
      receivedAt: inbound.receivedAt,
    });
    if (message) return { duplicate: false, conversationId: conversation.id, messageId: message.id };
    // Another replica recorded the same event between our lookup and insert.
    const winner = await store.findInbound(channel, inbound.externalId);
    return winner ? duplicateOf(winner) : { duplicate: true, conversationId: conversation.id, messageId: 0 };
  }
}
