/**
 * The staff desk's recorded events (thread replies, Claim / Hand back / Close) as an {@link InboxQueue}: keyed by
 * desk thread, so a claim and the reply typed right after it are processed in that order (see
 * Store.claimDeskEvents). An event is marked processed after its turn, or when given up.
 */
import type { DeskEventItem, Store } from '../store/store.js';
import type { InboxQueue } from './inbox-worker.js';

export type DeskEventInboxStore = Pick<Store, 'claimDeskEvents' | 'renewDeskEventLeases' | 'deferDeskEvent' | 'finishDeskEvent' | 'releaseOrphanedDeskEvents'>;

export function deskEventInbox(store: DeskEventInboxStore): InboxQueue<DeskEventItem> {
  return {
    name: 'desk inbox',
    idOf: (item) => item.id,
    attemptsOf: (item) => item.attempts,
    claim: (now, leaseMs, limit) => store.claimDeskEvents(now, leaseMs, limit),
    renewLeases: (ids, leaseUntil) => store.renewDeskEventLeases(ids, leaseUntil),
    defer: (id, until) => store.deferDeskEvent(id, until),
    finish: (id, now) => store.finishDeskEvent(id, now),
    abandon: (id, now) => store.finishDeskEvent(id, now),
    releaseOrphaned: () => store.releaseOrphanedDeskEvents(),
  };
}
