import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIoFairGate } from '../src/io-fair-gate.js';

/** Keeps the CPU busy, as a turn on the embedded store does between its awaits. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('I/O-fair gate', () => {
  it('lets one caller through per pass of the event loop, in order', async () => {
    const gate = createIoFairGate();
    const passed: number[] = [];
    const all = [1, 2, 3].map((n) => gate.pass().then(() => passed.push(n)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(passed, [1]);
    await Promise.all(all);
    assert.deepEqual(passed, [1, 2, 3]);
  });

  it('serves a request that arrives while busy work waits, before the rest of that work', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const gate = createIoFairGate();
      let done = 0;
      let doneWhenAnswered = -1;
      // The request is sent first; forty pieces of 5 ms each then queue behind the gate.
      const answered = fetch(`http://127.0.0.1:${port}/`).then(async (response) => {
        await response.text();
        doneWhenAnswered = done;
      });
      const work = Array.from({ length: 40 }, () =>
        gate.pass().then(() => {
          busy(5);
          done += 1;
        }),
      );
      await Promise.all([answered, ...work]);
      assert.ok(doneWhenAnswered >= 0 && doneWhenAnswered < 40, `answered after ${doneWhenAnswered} of 40 pieces`);
    } finally {
      server.close();
    }
  });
});
