/**
 * The scheduling both queue workers share (the outbox's deliveries, the inbox's turns): one pump at a time; a
 * wake during a pump makes another run right after it instead of at the next poll; otherwise the next pump runs
 * after the delay the last one asked for. A pump that fails is logged and retried after `pollMs`.
 */
import type { Logger } from './logger.js';
import type { Clock, ScheduledTimer } from './handoff/clock.js';

/** What a pump sees of the wakes: cleared before each claim, checked after it (more work may have arrived). */
export interface Wakes {
  clear(): void;
  pending(): boolean;
}

export interface PumpLoopOptions {
  /** Claims and starts due work; resolves with how long to sleep before the next pump. */
  pump: (wakes: Wakes) => Promise<number>;
  clock: Clock;
  pollMs: number;
  logger: Logger;
  /** Named in the log line of a failed pump ("outbox", "inbox"). */
  name: string;
}

export interface PumpLoop {
  start(): void;
  wake(): void;
  /** No more pumps; resolves when the one in progress, if any, has finished. */
  stop(): Promise<void>;
  /** The pump in progress, if any. */
  current(): Promise<void> | undefined;
  /** A pump is scheduled to run at once. */
  soon(): boolean;
}

export function createPumpLoop(options: PumpLoopOptions): PumpLoop {
  const { clock, pollMs, logger } = options;
  let running = false;
  let timer: ScheduledTimer | undefined;
  let scheduledNow = false;
  let pumping: Promise<void> | undefined;
  let wakeRequested = false;
  const wakes: Wakes = { clear: () => (wakeRequested = false), pending: () => wakeRequested };

  function schedule(delay: number): void {
    if (!running) return;
    timer?.cancel();
    scheduledNow = delay === 0;
    timer = clock.schedule(tick, delay);
  }

  function tick(): void {
    timer = undefined;
    scheduledNow = false;
    if (pumping) {
      wakeRequested = true;
      return;
    }
    pumping = options
      .pump(wakes)
      .catch((error: unknown) => {
        logger.error({ err: error }, `${options.name} cycle failed`);
        return pollMs;
      })
      .then((delay) => {
        pumping = undefined;
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
      if (pumping) wakeRequested = true;
      else schedule(0);
    },
    async stop() {
      running = false;
      timer?.cancel();
      scheduledNow = false;
      await pumping;
    },
    current: () => pumping,
    soon: () => scheduledNow,
  };
}
