/**
 * Load benchmark, two scenarios, each driven by autocannon on 127.0.0.1 for a bounded time against the whole
 * service in a child process on the embedded store:
 *  1. the web message endpoint, against a bare express 5 app parsing the same JSON (another child process);
 *  2. inbound SMS end to end: Twilio webhooks signed with real HMAC over PUBLIC_URL, the service configured
 *     against the fake Twilio REST server (in this process), replies counted as the fake accepts them.
 * Prints figures; asserts nothing.
 *
 *   npm run bench            (BENCH_SECONDS=10 BENCH_CONNECTIONS=20 by default)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { measureTwilioWebhooks } from './twilio-webhooks.js';
import { NO_FLOOD_LIMITS, startServer, stopServer } from './service-process.js';

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

function rssMiB(pid: number | undefined): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return (kib / 1024).toFixed(1);
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
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
try {
  const bare = await startServer('bench/bare-express.ts', {});
  const bareFigures = await drive(bare.url);
  await stopServer(bare);

  const service = await startServer('src/main.ts', { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...NO_FLOOD_LIMITS });
  const rssIdle = rssMiB(service.child.pid);
  const figures = await drive(service.url);
  const rssLoaded = rssMiB(service.child.pid);
  await stopServer(service);

  console.log(`web message endpoint, ${connections} connections, ${seconds} s each, ${visitors} visitors, embedded SQLite`);
  console.log(`bare express 5 (JSON parse + 202): ${bareFigures.requestsPerSecond.toFixed(0)} req/s, p50 ${bareFigures.p50} ms, p99 ${bareFigures.p99} ms`);
  console.log(`switchboard POST /web/messages:    ${figures.requestsPerSecond.toFixed(0)} msg/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, non-2xx ${figures.non2xx}, errors ${figures.errors}`);
  console.log(`ratio to bare express: ${(figures.requestsPerSecond / bareFigures.requestsPerSecond).toFixed(3)}`);
  console.log(`service start-up to listening (process spawn, tsx, store, detector, knowledge index): ${service.startupMs.toFixed(0)} ms`);
  console.log(`service RSS idle after start-up: ${rssIdle} MiB, after the load: ${rssLoaded} MiB`);

  const sms = await measureTwilioWebhooks({
    seconds,
    connections,
    dataDir: join(dataDir, 'twilio'),
    start: (env) => startServer('src/main.ts', { PORT: '0', LOG_LEVEL: 'info', ...env }),
    stop: stopServer,
  });
  console.log(`\ninbound SMS end to end, ${connections} connections, ${seconds} s, ${sms.customers} customers, embedded SQLite, fake Twilio REST API`);
  console.log(`POST /twilio/messages (signed, acked with TwiML): ${sms.acksPerSecond.toFixed(0)} webhooks/s, p50 ${sms.p50} ms, p99 ${sms.p99} ms, non-2xx ${sms.non2xx}, errors ${sms.errors}`);
  console.log(`replies delivered to the fake: ${sms.replies} for ${sms.acked} webhooks, ${sms.repliesPerSecond.toFixed(0)} replies/s from the first request to the last reply (outbox drained ${(sms.drainMs / 1000).toFixed(1)} s after the load)`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
