/**
 * A task run on a timer by every replica (the survey sweeper, the spike check): the first run soon after start,
 * then one interval after the previous run ended, never two at once; a failure is logged and retried at the next
 * interval. The clock is injectable so tests drive the runs.
 */
import type { Logger } from '../logger.js';
import { createSystemClock, type Clock, type ScheduledTimer } from '../handoff/clock.js';

export interface PeriodicTaskOptions<T> {
  /** Named in the log line of a failed run. */
  name: string;
  run: () => Promise<T>;
  intervalMs: number;
  logger: Logger;
  clock?: Clock;
}

export interface PeriodicTask<T> {
  start(): void;
  /** Runs now, or joins the run in progress. */
  runNow(): Promise<T>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function createPeriodicTask<T>(options: PeriodicTaskOptions<T>): PeriodicTask<T> {
  const clock = options.clock ?? createSystemClock();
  let timer: ScheduledTimer | undefined;
  let running: Promise<T> | undefined;
  let stopped = true;

  function runNow(): Promise<T> {
    running ??= options.run().finally(() => (running = undefined));
    return running;
  }

  function schedule(delayMs: number): void {
    timer = clock.schedule(() => {
      runNow()
        .catch((error: unknown) => options.logger.error({ err: error }, `${options.name} failed; retried at the next interval`))
        .finally(() => {
          if (!stopped) schedule(options.intervalMs);
        });
    }, delayMs);
  }

  return {
    start() {
      stopped = false;
      schedule(0);
    },
    runNow,
    async stop() {
      stopped = true;
      timer?.cancel();
      await running?.catch(() => undefined);
    },
  };
}
