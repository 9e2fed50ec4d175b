/**
 * Customers' recorded messages as an {@link InboxQueue}: keyed by customer address, so one customer's turns run
 * in arrival order (see Store.claimInbox).
 */
import type { InboxItem, Store } from '../store/store.js';
import type { InboxQueue } from './inbox-worker.js';

export type MessageInboxStore = Pick<Store, 'claimInbox' | 'renewInboxLeases' | 'deferInbox' | 'abandonInbox' | 'releaseOrphanedInbox'>;

export function messageInbox(store: MessageInboxStore): InboxQueue<InboxItem> {
  return {
    name: 'inbox',
    idOf: (item) => item.message.id,
    attemptsOf: (item) => item.attempts,
    claim: (now, leaseMs, limit) => store.claimInbox(now, leaseMs, limit),
    renewLeases: (ids, leaseUntil) => store.renewInboxLeases(ids, leaseUntil),
    defer: (id, until) => store.deferInbox(id, until),
    abandon: (id, now) => store.abandonInbox(id, now),
    releaseOrphaned: () => store.releaseOrphanedInbox(),
  };
}
