/**
 * Escalations and queue waits counted where they become facts: a handoff row created, a handoff claimed. The
 * store is the one place every path reaches (the engine, held and dead-lettered replies, the Slack desk), so
 * it is observed here instead of threading the metrics through each of them. Every other call passes through.
 */
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';

export function withStoreMetrics(store: Store, metrics: Pick<Metrics, 'escalated' | 'handoffClaimed'>): Store {
  const observed: Pick<Store, 'createHandoff' | 'claimHandoff'> = {
    async createHandoff(handoff) {
      const result = await store.createHandoff(handoff);
      if (result.created) metrics.escalated(result.handoff.reason);
      return result;
    },
    async claimHandoff(id, agent, at) {
      const result = await store.claimHandoff(id, agent, at);
      if (result.claimed) metrics.handoffClaimed(result.handoff.pagedAt, result.handoff.claimedAt ?? at);
      return result;
    },
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'createHandoff' || property === 'claimHandoff') return observed[property];
      const value: unknown = Reflect.get(target, property, receiver);
      // Methods keep the store as `this` (its private fields live there, not on the proxy).
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
