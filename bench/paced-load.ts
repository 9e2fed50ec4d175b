/**
 * An open-loop load generator for latency at a given rate: requests are due on a fixed schedule, evenly spaced,
 * and sent when due whether or not earlier ones were answered; each latency is counted from the time its request
 * was due, so a server that stalls is charged for every request that waited behind the stall (no coordinated
 * omission, as wrk2 measures). autocannon's `overallRate` cannot measure this: each connection sends its quota for
 * the second back to back at the top of the second and then idles, so every second starts with a burst of the
 * whole second's requests, and even a bare express webhook shows a p99 of tens of milliseconds at a tenth of its
 * capacity (seen here: 64–114 ms at 535–662 requests/s).
 */
import { Agent, request } from 'node:http';

export interface PacedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PacedLoad {
  /** The server's base URL. */
  url: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  seconds: number;
  /** The i-th request (from 0). */
  build: (i: number) => PacedRequest;
}

export interface PacedFigures {
  sent: number;
  /** 2xx responses. */
  acked: number;
  non2xx: number;
  errors: number;
  /** Milliseconds from when a request was due to its response's end. */
  p50: number;
  p99: number;
  max: number;
}

/** The timer's granularity: the due requests are sent each tick, so a request leaves at most about this late. */
const TICK_MS = 1;

function percentile(sorted: readonly number[], share: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0);
}

export async function runPacedLoad(load: PacedLoad): Promise<PacedFigures> {
  const target = new URL(load.url);
  // Enough sockets that a slow server never makes a due request wait for a free one on this side.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(load.rate * load.seconds);
  const latencies: number[] = [];
  let acked = 0;
  let non2xx = 0;
  let errors = 0;
  let settled = 0;

  const send = (i: number, dueAt: number, done: () => void): void => {
    const { path, headers, body } = load.build(i);
    const finish = (): void => {
      settled += 1;
      if (settled === total) done();
    };
    const outgoing = request(
      { host: target.hostname, port: target.port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => {
          latencies.push(performance.now() - dueAt);
          if ((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300) acked += 1;
          else non2xx += 1;
          finish();
        });
      },
    );
    outgoing.on('error', () => {
      errors += 1;
      finish();
    });
    outgoing.end(body);
  };

  await new Promise<void>((resolve) => {
    const startedAt = performance.now();
    let next = 0;
    const tick = (): void => {
      const now = performance.now();
      for (; next < total; next += 1) {
        const dueAt = startedAt + (next * 1000) / load.rate;
        if (dueAt > now) break;
        send(next, dueAt, resolve);
      }
      if (next < total) setTimeout(tick, TICK_MS);
    };
    if (total === 0) resolve();
    else tick();
  });
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return { sent: total, acked, non2xx, errors, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1) ?? 0) };
}
