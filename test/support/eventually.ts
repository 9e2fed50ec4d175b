/**
 * Polling for end-to-end tests: the service works asynchronously (outbox, Slack relays), so tests wait for the
 * state they expect instead of sleeping a guessed time. Nothing here asserts on time.
 */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `check` every 15 ms until it gives something other than `undefined` or `false`, and resolves with it.
 * There is no deadline of its own: mocha's timeout bounds the wait, so a test fails rather than asserting on time.
 */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await sleep(15);
  }
}
