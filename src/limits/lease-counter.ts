/**
 * Concurrent leases (open WebSockets) counted across replicas in a shared store that only offers atomic
 * counters with expiry (rate-limiter-flexible's penalty and reward, on memory, Redis or PostgreSQL).
 *
 * A lease that counted forever would outlive a crashed replica, so time is cut into windows and each window
 * has its own counter: a replica registers each lease it holds in the current window and the next one, and
 * renews every lease into the following window when a window starts. A lease is checked against the current
 * window's counter and, on release, removed from every window it was registered in. A replica that dies
 * stops renewing, and its leases are gone within two windows.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from 'pino';

/** One held lease; `release` is idempotent. */
export interface Lease {
  release(): Promise<void>;
}

export interface LeaseCounter {
  /** Takes one of `max` leases on `key`, or gives undefined when all of them are held. */
  acquire(key: string, max: number): Promise<Lease | undefined>;
  close(): void;
}

export interface LeaseCounterOptions {
  /** The shared counters; their duration must cover two windows (see {@link counterDurationSeconds}). */
  counters: RateLimiterAbstract;
  windowMs: number;
  logger: Logger;
}

/** How long a window's counter must live: from its first registration, a window ahead, to its end. */
export function counterDurationSeconds(windowMs: number): number {
  return Math.ceil((2 * windowMs) / 1000) + 1;
}

/** This replica's leases on one key: how many, registered in windows up to `through`. */
interface Entry {
  open: number;
  through: number;
  /** Operations on one key run one at a time, so counts and registrations never interleave. */
  queue: Promise<unknown>;
  pending: number;
}

export function createLeaseCounter({ counters, windowMs, logger }: LeaseCounterOptions): LeaseCounter {
  const entries = new Map<string, Entry>();
  const windowAt = (ms: number) => Math.floor(ms / windowMs);
  const add = async (key: string, window: number, delta: number) =>
    (await (delta >= 0 ? counters.penalty(`${key}@${window}`, delta) : counters.reward(`${key}@${window}`, -delta))).consumedPoints;

  function serially<T>(key: string, task: (entry: Entry) => Promise<T>): Promise<T> {
    let entry = entries.get(key);
    if (!entry) entries.set(key, (entry = { open: 0, through: 0, queue: Promise.resolve(), pending: 0 }));
    const current = entry;
    current.pending += 1;
    const run = current.queue.then(() => task(current));
    current.queue = run.catch(() => undefined).finally(() => {
      current.pending -= 1;
      if (current.pending === 0 && current.open === 0 && entries.get(key) === current) entries.delete(key);
    });
    return run;
  }

  /** Registers this replica's leases on `key` in every window up to the one after `now`'s. */
  async function renew(key: string, entry: Entry, now: number): Promise<void> {
    const window = windowAt(now);
    if (entry.open === 0) {
      entry.through = window + 1;
      return;
    }
    for (let w = Math.max(entry.through + 1, window); w <= window + 1; w += 1) await add(key, w, entry.open);
    entry.through = Math.max(entry.through, window + 1);
  }

  const renewal = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (entry.open > 0 && entry.through <= windowAt(now)) {
        serially(key, (e) => renew(key, e, now)).catch((error: unknown) => logger.warn({ err: error }, 'leases could not be renewed'));
      }
    }
  }, Math.max(1, Math.floor(windowMs / 4)));
  renewal.unref();

  return {
    acquire(key, max) {
      return serially(key, async (entry) => {
        const now = Date.now();
        await renew(key, entry, now);
        const window = windowAt(now);
        if ((await add(key, window, 1)) > max) {
          await add(key, window, -1);
          return undefined;
        }
        await add(key, window + 1, 1);
        entry.open += 1;
        let released = false;
        return {
          release: () => {
            if (released) return Promise.resolve();
            released = true;
            return serially(key, async (held) => {
              held.open -= 1;
              for (let w = windowAt(Date.now()); w <= held.through; w += 1) await add(key, w, -1);
            });
          },
        };
      });
    },
    close() {
      clearInterval(renewal);
    },
  };
}
