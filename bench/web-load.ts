/**
 * Load benchmark of the web message endpoint: the whole service on the embedded store against a bare express 5
 * app parsing the same JSON, in one run, on 127.0.0.1, each bounded in time. Prints figures; asserts nothing.
 *
 *   npm run bench            (BENCH_SECONDS=10 BENCH_CONNECTIONS=20 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { startService } from '../src/service.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const visitors = 200;
const questions = ['how long does shipping take?', 'how can I return an item?', 'what payment methods do you accept?', 'hello', 'where is my order?'];

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function drive(url: string): Promise<Figures> {
  let counter = 0;
  const result = await autocannon({
    url: `${url}/web/messages`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en-US' },
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => {
          counter += 1;
          const body = {
            visitorId: `bench-visitor-${counter % visitors}`,
            clientMessageId: `bench-message-${counter}`,
            text: questions[counter % questions.length],
          };
          return { ...request, body: JSON.stringify(body) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function bareExpress(): Promise<{ url: string; close: () => void }> {
  const app = express();
  app.use(express.json());
  app.post('/web/messages', (req, res) => {
    res.status(202).json({ ok: typeof req.body === 'object' });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
try {
  const bare = await bareExpress();
  const bareFigures = await drive(bare.url);
  bare.close();

  const started = performance.now();
  const service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  const startupMs = performance.now() - started;
  const rssBefore = process.memoryUsage().rss;
  const figures = await drive(service.url);
  const rssAfter = process.memoryUsage().rss;
  await service.stop();

  console.log(`web message endpoint, ${connections} connections, ${seconds} s each, ${visitors} visitors, embedded SQLite`);
  console.log(`bare express 5 (JSON parse + 202): ${bareFigures.requestsPerSecond.toFixed(0)} req/s, p50 ${bareFigures.p50} ms, p99 ${bareFigures.p99} ms`);
  console.log(`switchboard POST /web/messages:    ${figures.requestsPerSecond.toFixed(0)} msg/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, non-2xx ${figures.non2xx}, errors ${figures.errors}`);
  console.log(`ratio to bare express: ${(figures.requestsPerSecond / bareFigures.requestsPerSecond).toFixed(3)}`);
  console.log(`service start-up (store open + migrate + knowledge index): ${startupMs.toFixed(0)} ms`);
  console.log(`RSS before load: ${mib(rssBefore)} MiB, after: ${mib(rssAfter)} MiB (bench process, includes autocannon)`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
