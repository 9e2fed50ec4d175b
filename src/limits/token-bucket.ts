/**
 * A token bucket as GCRA (the generic cell rate algorithm): the whole state of a bucket is one number, the
 * theoretical arrival time (TAT) of the next request, so a shared store can update it in one atomic step.
 * The same arithmetic runs in memory here, in a Redis script and in one PostgreSQL statement; see
 * https://brandur.org/rate-limiting for the algorithm.
 */

/** `limit` requests at once from a full bucket, refilled evenly over `periodMs` (20 per minute: one every 3 s). */
export interface TokenBucketRule {
  limit: number;
  periodMs: number;
}

/** What taking a token gave: allowed, or how long until one is there. */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A store of buckets keyed by name; `take` is atomic per key across everyone sharing the store. */
export interface BucketStore {
  take(key: string, rule: TokenBucketRule): Promise<TakeResult>;
  close(): Promise<void>;
}

/** Whole milliseconds between two tokens; rounding up keeps the limit a ceiling. */
export function emissionIntervalMs(rule: TokenBucketRule): number {
  return Math.ceil(rule.periodMs / rule.limit);
}

/**
 * One GCRA step: the new TAT when a token is taken at `now`, or the wait until one can be. A bucket with no
 * stored TAT (`undefined`) is full.
 */
export function gcra(tat: number | undefined, now: number, rule: TokenBucketRule): { tat: number; retryAfterMs: number } {
  const interval = emissionIntervalMs(rule);
  const next = Math.max(tat ?? now, now) + interval;
  const ahead = next - now - interval * rule.limit;
  return ahead > 0 ? { tat: tat ?? now, retryAfterMs: ahead } : { tat: next, retryAfterMs: 0 };
}

/** Validates a rule where it is built, so a bad one fails at start-up and not on the first request. */
export function checkRule(name: string, rule: TokenBucketRule): TokenBucketRule {
  if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new RangeError(`${name}.limit must be a positive integer, got ${rule.limit}`);
  if (!Number.isInteger(rule.periodMs) || rule.periodMs < 1) throw new RangeError(`${name}.periodMs must be a positive integer, got ${rule.periodMs}`);
  return rule;
}
