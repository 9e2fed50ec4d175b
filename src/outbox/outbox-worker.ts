/**
 * Delivers queued outbound messages through their channel's adapter. Rows live in the store, so a restart
 * loses nothing: a row in flight when the process died is leased, and its lease running out makes it due
 * again. Per-conversation order comes from the store's claim, which hands out only a conversation's oldest
 * undelivered row.
 */
import type { Channel, ChannelAdapter } from '../model.js';
import type { OutboxItem, Store } from '../store/store.js';
import type { Logger } from '../logger.js';
import { ChannelError } from '../errors.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';

export interface OutboxWorkerOptions {
  store: Store;
  adapters: ReadonlyMap<Channel, Pick<ChannelAdapter, 'send'>>;
  logger: Logger;
  /** Attempts before a retryable failure goes to the dead letter. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** How long a claimed row stays ours; longer than any send should take. */
  leaseMs?: number;
  /** Upper bound on sleep, so rows queued by other replicas are picked up. */
  pollMs?: number;
  batchSize?: number;
  /** How long `stop` keeps delivering rows that are already due before it gives up (they stay queued). */
  drainMs?: number;
  /** Told about every permanent failure, e.g. so a channel can mark an opted-out recipient. */
  onDeadLetter?: (item: OutboxItem, error: unknown) => Promise<void>;
  now?: () => Date;
  random?: () => number;
}

export interface OutboxWorker {
  start(): void;
  /** Something was queued: look now instead of at the next poll. */
  wake(): void;
  /**
   * Stops polling, then delivers what is already due (bounded by `drainMs`) so a restart does not delay
   * replies; rows not reached stay in the store for the next start.
   */
  stop(): Promise<void>;
}

const DEFAULTS = { maxAttempts: 8, backoff: { baseMs: 1000, maxMs: 5 * 60_000 }, leaseMs: 60_000, pollMs: 1000, batchSize: 20, drainMs: 5000 };

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, adapters, logger } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
  const backoff = options.backoff ?? DEFAULTS.backoff;
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
  const pollMs = options.pollMs ?? DEFAULTS.pollMs;
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const now = options.now ?? (() => new Date());

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let cycle: Promise<void> | undefined;
  let wakeRequested = false;
  let drainUntil: number | undefined;

  async function deliver(item: OutboxItem): Promise<void> {
    const adapter = adapters.get(item.channel);
    try {
      if (!adapter) throw new ChannelError(`no adapter is enabled for channel ${item.channel}`, false);
      // Parts of a long message delivered by an earlier attempt are not sent again.
      const progress = { sentParts: item.sentParts, recordPart: (providerId: string) => store.recordOutboxPart(item.id, providerId) };
      const { providerId } = await adapter.send(item.payload, progress);
      await store.markOutboxSent(item.id, providerId, now());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Unknown errors are treated as transient: a bug or an outage should not silently drop a reply.
      const retryable = error instanceof ChannelError ? error.retryable : true;
      if (retryable && item.attempts < maxAttempts) {
        // A channel that says when it can take more (Retry-After) is not asked sooner than that.
        const retryAfter = error instanceof ChannelError ? (error.retryAfterMs ?? 0) : 0;
        const delay = Math.max(backoffDelay(item.attempts, backoff, options.random), retryAfter);
        await store.markOutboxRetry(item.id, message, new Date(now().getTime() + delay));
        logger.warn({ outboxId: item.id, attempt: item.attempts, delay, err: message }, 'delivery failed; will retry');
      } else {
        await store.markOutboxDead(item.id, message, now());
        logger.error({ outboxId: item.id, attempts: item.attempts, err: message }, 'delivery failed; dead-lettered');
        await options.onDeadLetter?.(item, error);
      }
    }
  }

  async function runCycle(): Promise<void> {
    for (;;) {
      wakeRequested = false;
      const items = await store.claimDueOutbox(now(), leaseMs, batchSize);
      // Each claimed row is from a different conversation, so they can go out concurrently.
      await Promise.all(items.map(deliver));
      if (items.length === 0 && !wakeRequested) return;
      if (drainUntil !== undefined && now().getTime() >= drainUntil) return;
    }
  }

  async function sleepDelay(): Promise<number> {
    const due = await store.nextOutboxDueAt();
    if (!due) return pollMs;
    return Math.max(0, Math.min(pollMs, due.getTime() - now().getTime()));
  }

  function schedule(delay: number): void {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
  }

  function tick(): void {
    if (cycle) {
      wakeRequested = true;
      return;
    }
    timer = undefined;
    cycle = runCycle()
      .then(sleepDelay)
      .catch((error: unknown) => {
        logger.error({ err: error }, 'outbox cycle failed');
        return pollMs;
      })
      .then((delay) => {
        cycle = undefined;
        schedule(wakeRequested ? 0 : delay);
      });
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    wake() {
      if (!running) return;
      if (cycle) wakeRequested = true;
      else schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      drainUntil = now().getTime() + (options.drainMs ?? DEFAULTS.drainMs);
      await cycle;
      await runCycle();
    },
  };
}
