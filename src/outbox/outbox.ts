/**
 * The one way into the outbox: queuing replies stores them (with their messages, in one transaction) and rings
 * the delivery worker, so a caller cannot do one without the other. Callers depend on this, not on the store
 * and the worker; the worker subscribes with {@link Outbox.onQueued} once it exists.
 */
import type { Address } from '../model.js';
import type { Conversation, EnqueueOptions, NewOutboundMessage, OutboxItem, Store } from '../store/store.js';

export interface Outbox {
  /**
   * Stores the messages as replies of the conversation and queues their deliveries. With `answering`, the
   * inbound message is marked processed in the same transaction (even with no messages), and with `deskEvent`
   * the staff desk's event, as `enqueueOutbound`.
   */
  enqueue(conversation: Conversation, messages: NewOutboundMessage[], address: Address, options?: EnqueueOptions): Promise<OutboxItem[]>;
  /** Queues a dead letter again (due now, fresh retry window); see `Store.redriveOutbox`. */
  redrive(id: number, now: Date): Promise<{ item: OutboxItem; redriven: boolean } | undefined>;
  /** Called after anything was queued: a delivery worker looks now instead of at its next poll. */
  onQueued(listener: () => void): void;
}

export function createOutbox(store: Pick<Store, 'enqueueOutbound' | 'redriveOutbox'>): Outbox {
  const listeners: (() => void)[] = [];
  const ring = (): void => listeners.forEach((listener) => listener());
  return {
    async enqueue(conversation, messages, address, options) {
      const items = await store.enqueueOutbound(conversation, messages, address, options);
      if (items.length > 0) ring();
      return items;
    },
    async redrive(id, now) {
      const result = await store.redriveOutbox(id, now);
      if (result?.redriven) ring();
      return result;
    },
    onQueued(listener) {
      listeners.push(listener);
    },
  };
}
