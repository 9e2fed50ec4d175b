/**
 * Token buckets in this process's memory: the store for the embedded SQLite deployment, which is one process.
 * Full buckets are dropped by a periodic sweep, so memory follows the visitors active in the last period.
 */
import { gcra, type BucketStore } from './token-bucket.js';

/** How often buckets that have refilled completely are forgotten. */
const SWEEP_INTERVAL_MS = 60_000;

export function createMemoryBucketStore(): BucketStore {
  const tats = new Map<string, number>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, tat] of tats) if (tat <= now) tats.delete(key);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    async take(key, rule) {
      const step = gcra(tats.get(key), Date.now(), rule);
      if (step.retryAfterMs > 0) return { allowed: false, retryAfterMs: step.retryAfterMs };
      tats.set(key, step.tat);
      return { allowed: true };
    },
    async close() {
      clearInterval(sweep);
      tats.clear();
    },
  };
}
