/** How long a customer in the queue should expect to wait, from how long recent customers waited. */

/** Minutes per queue place when there is no history yet. */
export const DEFAULT_MINUTES_PER_PLACE = 5;

/**
 * Median wait of recent claims (ms) times the customer's place in the queue, in whole minutes, at least 1.
 * The median, not the mean: one conversation left overnight would otherwise inflate every estimate.
 */
export function estimateWaitMinutes(recentWaitsMs: readonly number[], position: number, fallbackMinutes = DEFAULT_MINUTES_PER_PLACE): number {
  const sorted = recentWaitsMs.filter((w) => Number.isFinite(w) && w >= 0).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? fallbackMinutes * 60_000 : sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.max(1, Math.ceil((median * Math.max(1, position)) / 60_000));
}
