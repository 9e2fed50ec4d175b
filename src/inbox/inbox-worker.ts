/**
 * Runs the turns of recorded inbound events: customers' messages (message-inbox.ts) and the staff desk's events
 * (desk-event-inbox.ts), one worker per queue. The queue hands out only the oldest unprocessed item of each
 * key (a customer address, a desk thread), under a short lease this worker renews while the turn runs, so one
 * key's turns run one at a time and in arrival order — in this process and across replicas — while different
 * keys run side by side. No database lock or connection is held across a turn's model or Slack call.
 *
 * A message's turn marks it processed in the transaction that queues its replies; a desk event is marked
 * processed (the queue's `finish`) after its turn. A turn that fails or dies before that leaves its item
 * unprocessed, and it runs again: after a backoff, at the next start (SQLite), or when
 * the dead replica's lease runs out (PostgreSQL). A message whose turns keep failing is given up after a few
 * attempts, so its customer's later messages are answered.
 */
import type { Logger } from '../logger.js';
import { SwitchboardError } from '../errors.js';
import { createPumpLoop, type Wakes } from '../pump-loop.js';
import { createSystemClock, type Clock, type ScheduledTimer } from '../handoff/clock.js';
import { backoffDelay, type BackoffOptions } from '../outbox/backoff.js';

/** A durable queue of recorded events, as the store keeps it; see message-inbox.ts and desk-event-inbox.ts. */
export interface InboxQueue<Item> {
  /** Names the queue in logs ("inbox", "desk inbox"). */
  readonly name: string;
  idOf(item: Item): number;
  /** Turns started for the item, this one included. */
  attemptsOf(item: Item): number;
  /** Leases up to `limit` due items, only the oldest unprocessed one of each key. */
  claim(now: Date, leaseMs: number, limit: number): Promise<Item[]>;
  renewLeases(ids: readonly number[], leaseUntil: Date): Promise<void>;
  /** A failed turn: the item stays unprocessed, holding back its key, and is due again at `until`. */
  defer(id: number, until: Date): Promise<void>;
  /** Marks an item processed once its turn succeeded, for a queue whose turn does not do it itself. */
  finish?(id: number, now: Date): Promise<void>;
  /** Gives up on an item whose turns kept failing, so its key goes on. */
  abandon(id: number, now: Date): Promise<void>;
  /** Frees the leases a dead process left, where the store can know; the count freed. */
  releaseOrphaned(): Promise<number>;
}

export interface InboxWorkerOptions<Item> {
  queue: InboxQueue<Item>;
  /** One turn; rejects when it failed before its item was marked processed. */
  answer: (item: Item) => Promise<void>;
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

export function createInboxWorker<Item>(options: InboxWorkerOptions<Item>): InboxWorker {
  const { queue, logger } = options;
  const { name } = queue;
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
  /** Turns in progress, by item id; each settles its item itself and never rejects. */
  const active = new Map<number, Promise<void>>();

  /** One renewal for every running turn, every third of the lease, while any runs. */
  function keepLeasesRenewed(): void {
    if (renewal || active.size === 0) return;
    renewal = clock.schedule(() => {
      renewal = undefined;
      const ids = [...active.keys()];
      queue
        .renewLeases(ids, new Date(now().getTime() + leaseMs))
        .catch((error: unknown) => logger.warn({ err: errorText(error), turns: ids.length }, `${name} lease renewal failed; another worker may repeat these turns`))
        .finally(keepLeasesRenewed);
    }, leaseMs / 3);
  }

  async function settleFailure(item: Item, error: unknown): Promise<void> {
    const id = queue.idOf(item);
    const attempts = queue.attemptsOf(item);
    if (error instanceof SwitchboardError && error.code === 'inbox_superseded') {
      logger.warn({ inbox: name, id }, 'turn superseded: another worker finished this item after its lease ran out');
      return;
    }
    if (attempts >= maxAttempts) {
      await queue.abandon(id, now());
      logger.error({ inbox: name, id, attempts, err: error }, 'turn failed on every attempt; given up');
      return;
    }
    const delay = backoffDelay(attempts, backoff, options.random);
    await queue.defer(id, new Date(now().getTime() + delay));
    logger.warn({ inbox: name, id, attempt: attempts, delay, err: error }, 'turn failed; will retry');
  }

  function launch(item: Item): void {
    const id = queue.idOf(item);
    const turn = options
      .answer(item)
      .then(() => queue.finish?.(id, now()))
      .catch((error: unknown) => settleFailure(item, error))
      .catch((error: unknown) => logger.error({ inbox: name, id, err: error }, 'failed turn could not be settled; its lease will run out'))
      .finally(() => {
        active.delete(id);
        // The key's next item is free now, and a slot too.
        loop.wake();
      });
    active.set(id, turn);
    keepLeasesRenewed();
  }

  /** Claims due messages into the free slots until none are due or the slots are full. */
  async function pump(wakes: Wakes): Promise<void> {
    if (!recovered) {
      recovered = true;
      const released = await queue.releaseOrphaned();
      if (released > 0) logger.warn({ inbox: name, released }, 'turns left unfinished by a previous process run again');
    }
    for (;;) {
      wakes.clear();
      const free = concurrency - active.size;
      if (free <= 0 || !running) return;
      const items = await queue.claim(now(), leaseMs, free);
      for (const item of items) launch(item);
      if (items.length < free && !wakes.pending()) return;
    }
  }

  const loop = createPumpLoop({
    clock,
    pollMs,
    logger,
    name,
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
