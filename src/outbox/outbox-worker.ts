/**
 * Delivers queued outbound messages through their channel's adapter. Rows live in the store, so a restart
 * loses nothing. Per-conversation order comes from the store's claim, which hands out only a conversation's
 * oldest undelivered row; across conversations deliveries run side by side, each under its own time limit, and
 * a finished one makes room for the next at once, so a hanging channel holds back only its own conversation.
 *
 * Transient failures are retried with capped exponential backoff until they have lasted the retry window
 * (hours, not a number of attempts); then the row expires and, like a permanently refused one, becomes a dead
 * letter, handed to `onDeadLetter` (the delivery follow-up). The delivery policy (src/delivery/) makes those
 * decisions; this worker applies them to the row. An attempt whose outcome is unknown (it timed out, or its lease ran out because the worker
 * died) is recorded as such, and the channel looks for the earlier send before repeating it.
 */
import type { OutboxMetrics } from '../metrics.js';
import type { Channel } from '../model.js';
import type { OutboxItem, Store } from '../store/store.js';
import type { Logger } from '../logger.js';
import { ChannelError } from '../errors.js';
import { createPumpLoop, type Wakes } from '../pump-loop.js';
import { createSystemClock, type Clock, type ScheduledTimer } from '../handoff/clock.js';
import type { BackoffOptions } from './backoff.js';
import { OutcomeUnknownError, type DeliveryAttempt, type OutboxChannel } from './delivery-attempt.js';
import { decideFailure } from '../delivery/delivery-policy.js';

export type OutboxStore = Pick<
  Store,
  | 'claimDueOutbox'
  | 'renewOutboxLease'
  | 'releaseOrphanedOutbox'
  | 'markOutboxSent'
  | 'settleOutboxAccepted'
  | 'recordOutboxPart'
  | 'markOutboxRetry'
  | 'markOutboxDead'
  | 'markOutboxExpired'
  | 'nextOutboxDueAt'
>;

export interface OutboxWorkerOptions {
  store: OutboxStore;
  adapters: ReadonlyMap<Channel, OutboxChannel>;
  logger: Logger;
  /** How long a row's transient failures are retried before it expires (OUTBOX_RETRY_HOURS). */
  retryWindowMs?: number;
  /** Each attempt's time limit (OUTBOX_SEND_TIMEOUT_MS); past it the outcome is unknown and the row is retried. */
  sendTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** How long a claim holds a row; renewed while its send is in progress, so it can be short. */
  leaseMs?: number;
  /** Upper bound on sleep, so rows queued by other replicas are picked up. */
  pollMs?: number;
  /** Deliveries in progress at once (each a different conversation). */
  concurrency?: number;
  /** How long `stop` keeps delivering rows that are already due before it gives up (they stay queued). */
  drainMs?: number;
  /** Told about every dead letter, refused for good (`dead`) or `expired` after the retry window: the delivery follow-up. */
  onDeadLetter?: (item: OutboxItem, error: unknown, status: 'dead' | 'expired') => Promise<void>;
  /** Time and timers: backoff, send timeouts, lease renewal, polling. */
  clock?: Clock;
  random?: () => number;
  metrics?: OutboxMetrics;
}

export interface OutboxWorker {
  /** Releases rows a dead process left in flight (where the store can know), then starts delivering. */
  start(): void;
  /** Something was queued: look now instead of at the next poll. */
  wake(): void;
  /**
   * Stops polling, lets deliveries in progress finish, then delivers what is already due (bounded by
   * `drainMs`) so a restart does not delay replies; rows not reached stay in the store for the next start.
   */
  stop(): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;

export const OUTBOX_DEFAULTS = {
  retryWindowMs: 24 * HOUR_MS,
  sendTimeoutMs: 10_000,
  // Capped at a minute: after an outage every reply is tried again within a minute of the recovery, while a waiting
  // conversation costs the provider one request a minute at most (and never more than its Retry-After allows).
  backoff: { baseMs: 1000, maxMs: 60_000 },
  leaseMs: 10_000,
  pollMs: 1000,
  concurrency: 32,
  drainMs: 5000,
} as const;

/** Our own time limit on an attempt; the request may still reach the provider, so the outcome is unknown. */
class SendTimeoutError extends OutcomeUnknownError {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms (OUTBOX_SEND_TIMEOUT_MS)`, 'send_timeout');
  }
}

/** Thrown into a timed-out attempt's own sender so it stops before a further part. */
class AbandonedAttemptError extends ChannelError {
  constructor() {
    super('attempt abandoned after its time limit', true, 'abandoned');
  }
}

/** The drain after stop claims what is due until its deadline; nothing wakes it. */
const NO_WAKES: Wakes = { clear: () => undefined, pending: () => false };

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, adapters, logger } = options;
  const clock = options.clock ?? createSystemClock();
  const retryWindowMs = options.retryWindowMs ?? OUTBOX_DEFAULTS.retryWindowMs;
  const sendTimeoutMs = options.sendTimeoutMs ?? OUTBOX_DEFAULTS.sendTimeoutMs;
  const backoff = options.backoff ?? OUTBOX_DEFAULTS.backoff;
  const leaseMs = options.leaseMs ?? OUTBOX_DEFAULTS.leaseMs;
  const pollMs = options.pollMs ?? OUTBOX_DEFAULTS.pollMs;
  const concurrency = options.concurrency ?? OUTBOX_DEFAULTS.concurrency;
  const drainMs = options.drainMs ?? OUTBOX_DEFAULTS.drainMs;
  const now = () => clock.now();

  let recovered = false;
  /** Deliveries in progress, by row id; each settles its row itself and never rejects. */
  const active = new Map<number, Promise<void>>();

  /** Renews the row's lease every third of it until the returned function is called. */
  function keepLeased(item: OutboxItem): () => void {
    let stopped = false;
    let renewal: ScheduledTimer | undefined;
    const renew = async (): Promise<void> => {
      const held = await store.renewOutboxLease(item.id, item.attempts, new Date(now().getTime() + leaseMs)).catch((error: unknown) => {
        logger.warn({ outboxId: item.id, err: errorText(error) }, 'outbox lease renewal failed');
        return true;
      });
      if (!held) logger.warn({ outboxId: item.id }, 'outbox lease lost while sending; another worker may repeat this delivery');
      else if (!stopped) renewal = clock.schedule(() => void renew(), leaseMs / 3);
    };
    renewal = clock.schedule(() => void renew(), leaseMs / 3);
    return () => {
      stopped = true;
      renewal?.cancel();
    };
  }

  /** The send, or a {@link SendTimeoutError} once the time limit passes (the send itself goes on). */
  function withTimeout<T>(sending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const limit = clock.schedule(() => reject(new SendTimeoutError(sendTimeoutMs)), sendTimeoutMs);
      sending.then(
        (value) => {
          limit.cancel();
          resolve(value);
        },
        (error: unknown) => {
          limit.cancel();
          reject(error);
        },
      );
    });
  }

  async function giveUp(item: OutboxItem, error: unknown, expired: boolean): Promise<void> {
    const message = errorText(error);
    if (expired) await store.markOutboxExpired(item.id, message, now());
    else await store.markOutboxDead(item.id, message, now());
    logger.error({ outboxId: item.id, conversationId: item.conversationId, attempts: item.attempts, err: message }, expired ? 'delivery failed for the whole retry window; expired' : 'delivery failed; dead-lettered');
    await options.onDeadLetter?.(item, error, expired ? 'expired' : 'dead');
  }

  /** Applies the delivery policy's decision on a failed attempt to its row. */
  async function settleFailure(item: OutboxItem, error: unknown): Promise<void> {
    const at = now();
    const decision = decideFailure(
      { error, attempts: item.attempts, failingSince: item.failingSince ?? undefined, now: at },
      { retryWindowMs, sendTimeoutMs, backoff, ...(options.random && { random: options.random }) },
    );
    if (decision.action === 'dead_letter') return giveUp(item, error, decision.status === 'expired');
    const { delayMs: delay, outcomeUnknown } = decision;
    await store.markOutboxRetry(item.id, errorText(error), new Date(at.getTime() + delay), { now: at, outcomeUnknown });
    logger.warn({ outboxId: item.id, attempt: item.attempts, delay, outcomeUnknown, err: errorText(error) }, 'delivery failed; will retry');
  }

  /** A send that answers after its time limit: its acceptance is still recorded if no later attempt took the row. */
  function settleLate(item: OutboxItem, sending: Promise<{ providerId: string }>): void {
    sending
      .then(
        async ({ providerId }) => {
          const settled = await store.settleOutboxAccepted(item.id, providerId, now());
          logger.info({ outboxId: item.id, providerId, settled }, 'a timed-out send was accepted after all');
        },
        (error: unknown) => logger.debug({ outboxId: item.id, err: errorText(error) }, 'a timed-out send failed afterwards'),
      )
      // Unrecorded, the row's next attempt looks the message up instead.
      .catch((error: unknown) => logger.warn({ outboxId: item.id, err: errorText(error) }, 'a late acceptance could not be recorded'));
  }

  async function deliver(item: OutboxItem): Promise<void> {
    const adapter = adapters.get(item.channel);
    let abandoned = false;
    const attempt: DeliveryAttempt = {
      outboxId: item.id,
      sentParts: item.sentParts,
      ...(item.outcomeUnknownSince && { outcomeUnknownSince: item.outcomeUnknownSince }),
      recordPart: async (providerId) => {
        // A part accepted after the time limit is still recorded, but the abandoned attempt sends no further one.
        await store.recordOutboxPart(item.id, providerId);
        if (abandoned) throw new AbandonedAttemptError();
      },
    };
    const stopRenewing = keepLeased(item);
    let sending: Promise<{ providerId: string }> | undefined;
    let providerId: string;
    try {
      if (!adapter) throw new ChannelError(`no adapter is enabled for channel ${item.channel}`, false);
      sending = adapter.send(item.payload, attempt);
      ({ providerId } = await withTimeout(sending));
    } catch (error) {
      stopRenewing();
      abandoned = true;
      await settleFailure(item, error);
      if (error instanceof SendTimeoutError && sending) settleLate(item, sending);
      return;
    }
    stopRenewing();
    // The acceptance is recorded on its own, right after the answer. Should this write fail, the row stays in
    // flight: its lease runs out, its outcome is unknown, and the channel looks before sending again.
    const acceptedAt = now();
    await store.markOutboxSent(item.id, providerId, acceptedAt);
    options.metrics?.replyDelivered(item.channel, item.payload.author, item.createdAt, acceptedAt);
  }

  function launch(item: OutboxItem): void {
    const delivery = deliver(item)
      .catch((error: unknown) => logger.error({ outboxId: item.id, err: error }, 'outbox delivery could not be settled'))
      .finally(() => {
        active.delete(item.id);
        // A settled row may release its conversation's next one, and frees a slot.
        loop.wake();
      });
    active.set(item.id, delivery);
  }

  /** Claims due rows into the free slots until none are due or the slots are full. */
  async function claimDue(wakes: Wakes): Promise<void> {
    if (!recovered) {
      recovered = true;
      const released = await store.releaseOrphanedOutbox(now());
      if (released > 0) logger.warn({ released }, 'deliveries left in flight by a previous process are due again; their outcome is unknown');
    }
    for (;;) {
      wakes.clear();
      const free = concurrency - active.size;
      if (free <= 0) return;
      const items = await store.claimDueOutbox(now(), leaseMs, free);
      for (const item of items) launch(item);
      if (items.length < free && !wakes.pending()) return;
    }
  }

  async function sleepDelay(): Promise<number> {
    const due = await store.nextOutboxDueAt();
    if (!due) return pollMs;
    return Math.max(0, Math.min(pollMs, due.getTime() - now().getTime()));
  }

  const loop = createPumpLoop({
    clock,
    pollMs,
    logger,
    name: 'outbox',
    pump: async (wakes) => {
      await claimDue(wakes);
      return sleepDelay();
    },
  });

  return {
    start: loop.start,
    wake: loop.wake,
    async stop() {
      const deadline = now().getTime() + drainMs;
      await loop.stop();
      for (;;) {
        if (now().getTime() < deadline) await claimDue(NO_WAKES);
        if (active.size === 0) return;
        await Promise.race(active.values());
      }
    },
  };
}
