/**
 * RETENTION_DAYS: a sweeper that deletes conversations inactive for longer than that, in small batches (each its
 * own short transaction, so a large first sweep never holds locks for long), on a timer. Every replica may run
 * it: a batch deletes only what it selected, so two sweeps at once just share the work.
 */
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

export interface RetentionOptions {
  store: Pick<Store, 'deleteInactiveConversations'>;
  logger: Logger;
  retentionDays: number;
  /** How often to sweep; default hourly. */
  intervalMs?: number;
  /** Conversations per batch; default 200. */
  batchSize?: number;
  now?: () => Date;
}

export interface RetentionSweeper {
  start(): void;
  /** Deletes everything past retention now, batch by batch; returns how many conversations went. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createRetentionSweeper(options: RetentionOptions): RetentionSweeper {
  const { store, logger } = options;
  const intervalMs = options.intervalMs ?? 60 * 60 * 1000;
  const batchSize = options.batchSize ?? 200;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function sweepAll(): Promise<number> {
    const before = new Date(now().getTime() - options.retentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const deleted = await store.deleteInactiveConversations(before, batchSize);
      total += deleted;
      if (deleted < batchSize || stopped) break;
    }
    if (total > 0) logger.info({ deleted: total, before: before.toISOString() }, 'retention: old conversations deleted');
    return total;
  }

  function sweep(): Promise<number> {
    running ??= sweepAll().finally(() => (running = undefined));
    return running;
  }

  function schedule(): void {
    timer = setTimeout(() => {
      sweep()
        .catch((error: unknown) => logger.error({ err: error }, 'retention sweep failed; retried at the next interval'))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    timer.unref();
  }

  return {
    start() {
      stopped = false;
      // The first sweep runs soon after start, not an interval later.
      void sweep().catch((error: unknown) => logger.error({ err: error }, 'retention sweep failed; retried at the next interval'));
      schedule();
    },
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
