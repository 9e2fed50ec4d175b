/**
 * A sinon fake clock for one part under test (the outbox worker, the fake Twilio's dates), installed on a private
 * object instead of the process: everything else — HTTP, PostgreSQL, the test's own waits — runs on real time.
 * `advanceUntil` moves the fake time on in steps and lets real I/O finish between them, so a test waits for
 * the state it expects after hours of fake time without asserting on time.
 */
import sinon from 'sinon';
import type { Clock } from '../../src/handoff/clock.js';
import { sleep } from './eventually.js';

export type FakeClock = sinon.SinonFakeTimers;

export function privateFakeClock(now: Date | number): FakeClock {
  const box = { setTimeout, clearTimeout, setInterval, clearInterval, Date, Promise };
  return sinon.useFakeTimers({ now, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], global: box } as Parameters<typeof sinon.useFakeTimers>[0] & { global: object });
}

/** The fake clock as the {@link Clock} the outbox worker and the handoff queue take. */
export function clockOf(fake: FakeClock): Clock {
  return {
    now: () => new Date(fake.now),
    schedule(callback, delayMs) {
      const id = fake.setTimeout(callback, delayMs);
      return { cancel: () => fake.clearTimeout(id) };
    },
  };
}

export interface AdvanceOptions {
  /** Fake milliseconds per step; a step's timers fire together. */
  stepMs?: number;
  /** True while real work is outstanding (e.g. the fake API is answering): the next step waits for it. */
  busy?: () => boolean;
  /** Fail rather than advance past this much fake time without `done`. */
  maxMs?: number;
}

/** Real milliseconds given to I/O after each step before `busy` is asked. */
const SETTLE_MS = 3;

async function settle(busy: (() => boolean) | undefined): Promise<void> {
  await sleep(SETTLE_MS);
  while (busy?.()) await sleep(SETTLE_MS);
}

/**
 * Advances the fake clock step by step until `done()` holds (checked before each step), letting real I/O settle
 * after each; resolves with the fake milliseconds advanced.
 */
export async function advanceUntil(fake: FakeClock, done: () => boolean | Promise<boolean>, options: AdvanceOptions = {}): Promise<number> {
  const stepMs = options.stepMs ?? 250;
  const maxMs = options.maxMs ?? 48 * 60 * 60 * 1000;
  let advanced = 0;
  for (;;) {
    await settle(options.busy);
    if (await done()) return advanced;
    if (advanced >= maxMs) throw new Error(`not done after ${advanced} ms of fake time`);
    await fake.tickAsync(stepMs);
    advanced += stepMs;
  }
}

/** Advances the fake clock by exactly `ms` in steps, letting real I/O settle after each. */
export async function advanceBy(fake: FakeClock, ms: number, options: Omit<AdvanceOptions, 'maxMs'> = {}): Promise<void> {
  const stepMs = options.stepMs ?? 250;
  for (let left = ms; left > 0; left -= stepMs) {
    await settle(options.busy);
    await fake.tickAsync(Math.min(stepMs, left));
  }
  await settle(options.busy);
}
