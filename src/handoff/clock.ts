/**
 * Time as the handoff queue sees it: the current instant and one-shot timers. Injected so tests drive the
 * re-page timer with a sinon fake clock instead of waiting minutes.
 */

/** A scheduled callback that can be called off. */
export interface ScheduledTimer {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  schedule(callback: () => void, delayMs: number): ScheduledTimer;
}

/** The real clock. Timers are unref'd: a pending re-page must not keep the process alive on shutdown. */
export function createSystemClock(): Clock {
  return {
    now: () => new Date(),
    schedule(callback, delayMs) {
      const timer = setTimeout(callback, delayMs);
      timer.unref();
      return { cancel: () => clearTimeout(timer) };
    },
  };
}
