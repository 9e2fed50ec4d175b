/**
 * Lets CPU-bound work start one piece per pass of the event loop, with the I/O that arrived meanwhile served in
 * between. On the embedded store every query resolves at once, so a customer's turn runs from start to end as one
 * chain of microtasks; sixty-four turns started together ran back to back while the webhooks that arrived waited
 * behind all of them. Behind the gate a webhook waits for about one turn: in `npm run bench` on this 2-core
 * machine, acks 265 → 533 a second (0.26× → 0.49× a bare webhook), p99 ack at half that load 108 → 66 ms, at
 * the cost of replies under saturation (152 → 122 a second: acks come first, the backlog is answered after).
 */
export interface IoFairGate {
  /** Resolves when it is this caller's turn: at most one caller per pass of the event loop. */
  pass(): Promise<void>;
}

export function createIoFairGate(): IoFairGate {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  // An immediate queued from inside an immediate runs at the next pass, after that pass polled for I/O.
  const releaseOne = (): void => {
    waiting.shift()?.();
    scheduled = waiting.length > 0;
    if (scheduled) setImmediate(releaseOne);
  };
  return {
    pass() {
      return new Promise((resolve) => {
        waiting.push(resolve);
        if (!scheduled) {
          scheduled = true;
          setImmediate(releaseOne);
        }
      });
    },
  };
}

/** The process's gate: the event loop is one, so the turns of every queue share it. */
export const sharedIoFairGate: IoFairGate = createIoFairGate();
