/**
 * Runs the turns of recorded inbound messages. The store hands out only the oldest unprocessed message of each
 * customer address, under a short lease this worker renews while the turn runs, so one address's turns run
 * one at a time and in arrival order — in this process and across replicas — while different addresses run
 * side by side. No database lock or connection is held across a turn's model or Slack call.
 *
 * A turn marks its message processed in the transaction that queues its replies; one that fails or dies before
 * that leaves the message unprocessed, and it runs again: after a backoff, at the next start (SQLite), or when
 * the dead replica's lease runs out (PostgreSQL). A message whose turns keep failing is given up after a few
 * attempts, so its customer's later messages are answered.
 */
import type { Logger } from '../logger.js';
import type { InboxItem, Store } from '../store/store.js';
import { SwitchboardError } from '../errors.js';
import { createPumpLoop, type Wakes } from '../pump-loop.js';
import { createSystemClock, type Clock, type ScheduledTimer } from '../handoff/clock.js';
import { backoffDelay, type BackoffOptions } from '../outbox/backoff.js';

export type InboxStore = Pick<Store, 'claimInbox' | 'renewInboxLeases' | 'deferInbox' | 'abandonInbox' | 'releaseOrphanedInbox'>;

export interface InboxWorkerOptions {
  store: InboxStore;
  /** One turn; rejects when it failed before its replies were queued. */
  answer: (item: InboxItem) => Promise<void>;
  logger: Logger;
  /** How long a claim holds a message; renewed every third of it while the turn runs, so it can be short. */
  leaseMs?: number;
  /** Upper bound on sleep, so messages recorded by other replicas, or freed by a dead one, are picked up. */
  pollMs?: number;
  /** Turns in progress at once (each a different address); they mostly wait on the model. */
  concurrency?: number;
  /** Turns started for one message before it is given up. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  random?: () => number;
}

export interface InboxWorker {
  /** Frees the leases a dead process left (where the store can know), then runs every unprocessed message. */
  start(): void;
  /** A message was recorded: look now instead of at the next poll. */
  wake(): void;
  /** Resolves once no turn is running and none is due (tests and benchmarks wait for the turns with it). */
  idle(): Promise<void>;
  /** Takes no new turns and lets the running ones finish; unprocessed messages wait for the next start. */
  stop(): Promise<void>;
}

export const INBOX_DEFAULTS = {
  leaseMs: 5000,
  pollMs: 1000,
  concurrency: 64,
  maxAttempts: 5,
  backoff: { baseMs: 1000, maxMs: 30_000 },
} as const;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createInboxWorker(options: InboxWorkerOptions): InboxWorker {
  const { store, logger } = options;
  const clock = options.clock ?? createSystemClock();
  const leaseMs = options.leaseMs ?? INBOX_DEFAULTS.leaseMs;
  const pollMs = options.pollMs ?? INBOX_DEFAULTS.pollMs;
  const concurrency = options.concurrency ?? INBOX_DEFAULTS.concurrency;
  const maxAttempts = options.maxAttempts ?? INBOX_DEFAULTS.maxAttempts;
  const backoff = options.backoff ?? INBOX_DEFAULTS.backoff;
  const now = () => clock.now();

  let running = false;
  let recovered = false;
  let renewal: ScheduledTimer | undefined;
  /** Turns in progress, by message id; each settles its message itself and never rejects. */
  const active = new Map<number, Promise<void>>();

  /** One renewal for every running turn, every third of the lease, while any runs. */
  function keepLeasesRenewed(): void {
    if (renewal || active.size === 0) return;
    renewal = clock.schedule(() => {
      renewal = undefined;
      const ids = [...active.keys()];
      store
        .renewInboxLeases(ids, new Date(now().getTime() + leaseMs))
        .catch((error: unknown) => logger.warn({ err: errorText(error), turns: ids.length }, 'inbox lease renewal failed; another worker may repeat these turns'))
        .finally(keepLeasesRenewed);
    }, leaseMs / 3);
  }

  async function settleFailure(item: InboxItem, error: unknown): Promise<void> {
    if (error instanceof SwitchboardError && error.code === 'inbox_superseded') {
      logger.warn({ messageId: item.message.id }, 'turn superseded: another worker answered this message after its lease ran out');
      return;
    }
    if (item.attempts >= maxAttempts) {
      await store.abandonInbox(item.message.id, now());
      logger.error({ messageId: item.message.id, attempts: item.attempts, err: error }, 'turn failed on every attempt; message given up unanswered');
      return;
    }
    const delay = backoffDelay(item.attempts, backoff, options.random);
    await store.deferInbox(item.message.id, new Date(now().getTime() + delay));
    logger.warn({ messageId: item.message.id, attempt: item.attempts, delay, err: error }, 'turn failed; will retry');
  }

  function launch(item: InboxItem): void {
    const turn = options
      .answer(item)
      .catch((error: unknown) => settleFailure(item, error))
      .catch((error: unknown) => logger.error({ messageId: item.message.id, err: error }, 'failed turn could not be settled; its lease will run out'))
      .finally(() => {
        active.delete(item.message.id);
        // The address's next message is free now, and a slot too.
        loop.wake();
      });
    active.set(item.message.id, turn);
    keepLeasesRenewed();
  }

  /** Claims due messages into the free slots until none are due or the slots are full. */
  async function pump(wakes: Wakes): Promise<void> {
    if (!recovered) {
      recovered = true;
      const released = await store.releaseOrphanedInbox();
      if (released > 0) logger.warn({ released }, 'turns left unfinished by a previous process run again');
    }
    for (;;) {
      wakes.clear();
      const free = concurrency - active.size;
      if (free <= 0 || !running) return;
      const items = await store.claimInbox(now(), leaseMs, free);
      for (const item of items) launch(item);
      if (items.length < free && !wakes.pending()) return;
    }
  }

  const loop = createPumpLoop({
    clock,
    pollMs,
    logger,
    name: 'inbox',
    pump: async (wakes) => {
      await pump(wakes);
      return pollMs;
    },
  });

  return {
    start() {
      running = true;
      loop.start();
    },
    wake: loop.wake,
    async idle() {
      for (;;) {
        const pumping = loop.current();
        if (pumping) await pumping;
        else if (active.size > 0) await Promise.all(active.values());
        else if (loop.soon()) await new Promise<void>((resolve) => clock.schedule(resolve, 1));
        else return;
      }
    },
    async stop() {
      running = false;
      await loop.stop();
      await Promise.all(active.values());
      renewal?.cancel();
    },
  };
}
