/**
 * Load benchmark, two scenarios, each driven by autocannon on 127.0.0.1 for a bounded time against the whole
 * service in a child process on the embedded store:
 *  1. the web message endpoint, against a bare express 5 app parsing the same JSON (another child process);
 *  2. inbound SMS end to end: Twilio webhooks signed with real HMAC over PUBLIC_URL, against a bare express
 *     Twilio webhook (form parsed, signature checked, empty TwiML) and then the service configured against the
 *     fake Twilio REST server (in this process), replies counted as the fake accepts them; then again at half the
 *     acks per second the service reached, evenly paced (bench/paced-load.ts), for the ack latency of a busy but
 *     not saturated service, and the bare webhook at that same pace for the floor the client and machine set.
 * Prints figures and the ratios issue 10 sets bars for (SMS end to end >= 0.3x and acks >= 0.6x the bare
 * webhook, p99 ack at half load <= 25 ms); asserts nothing.
 *
 *   npm run bench            (BENCH_SECONDS=10 BENCH_CONNECTIONS=20 by default; BENCH_SCENARIOS=sms for the second only)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { baselineCredentials, driveTwilioWebhooks, measureTwilioWebhooks, paceTwilioWebhooks, PUBLIC_URL } from './twilio-webhooks.js';
import { cpuMs, NO_FLOOD_LIMITS, startServer, stopServer } from './service-process.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const visitors = 200;
const scenarios = (process.env.BENCH_SCENARIOS ?? 'web,sms').split(',');
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

/** The bars of issue 10, printed next to the figures. */
const BARS = { endToEnd: 0.3, acks: 0.6, halfLoadP99Ms: 25 } as const;

const verdict = (ok: boolean): string => (ok ? 'meets' : 'MISSES');

async function webScenario(dataDir: string): Promise<void> {
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
}

async function smsScenario(dataDir: string): Promise<void> {
  const credentials = baselineCredentials();
  const bare = await startServer('bench/bare-twilio.ts', { TWILIO_AUTH_TOKEN: credentials.authToken, PUBLIC_URL });
  const baseline = await driveTwilioWebhooks({ url: bare.url, ...credentials, seconds, connections });
  await stopServer(bare);

  const sms = await measureTwilioWebhooks({
    seconds,
    connections,
    dataDir,
    start: (env) => startServer('src/main.ts', { PORT: '0', LOG_LEVEL: 'info', ...env }),
    stop: stopServer,
    cpuMs,
  });
  const { full, half } = sms;
  // The same half rate against the bare webhook: the floor of the p99 this machine and this client can measure.
  const bareAgain = await startServer('bench/bare-twilio.ts', { TWILIO_AUTH_TOKEN: credentials.authToken, PUBLIC_URL });
  const bareHalf = await paceTwilioWebhooks({ url: bareAgain.url, ...credentials, seconds, rate: sms.halfRate });
  await stopServer(bareAgain);
  const ackRatio = full.acksPerSecond / baseline.acksPerSecond;
  const endToEndRatio = full.repliesPerSecond / baseline.acksPerSecond;
  console.log(`\ninbound SMS end to end, ${connections} connections, ${seconds} s, ${sms.customers} customers, embedded SQLite, fake Twilio REST API`);
  console.log(`bare express Twilio webhook (form parse + signature check + TwiML): ${baseline.acksPerSecond.toFixed(0)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, non-2xx ${baseline.non2xx}`);
  console.log(`POST /twilio/messages (signed, acked with TwiML): ${full.acksPerSecond.toFixed(0)} webhooks/s, p50 ${full.p50} ms, p99 ${full.p99} ms, non-2xx ${full.non2xx}, errors ${full.errors}`);
  console.log(`replies delivered to the fake: ${full.replies} for ${full.acked} webhooks, ${full.repliesPerSecond.toFixed(0)} replies/s from the first request to the last reply (outbox drained ${(full.drainMs / 1000).toFixed(1)} s after the load)`);
  console.log(`service CPU per webhook, from its ack to its reply accepted (including the quiet wait after): ${full.cpuMsPerMessage.toFixed(2)} ms`);
  console.log(`half load, ${sms.halfRate} webhooks/s offered: ${half.acksPerSecond.toFixed(0)} webhooks/s, p50 ${half.p50} ms, p99 ${half.p99} ms, non-2xx ${half.non2xx}, errors ${half.errors}; ${half.replies} replies for ${half.acked} webhooks (drained ${(half.drainMs / 1000).toFixed(1)} s after the load)`);
  console.log(`bare express Twilio webhook at the same ${sms.halfRate} webhooks/s: p50 ${bareHalf.p50} ms, p99 ${bareHalf.p99} ms (what the client and machine add)`);
  console.log(`\nissue 10 bars (against the bare express Twilio webhook of this run):`);
  console.log(`  SMS end to end: ${endToEndRatio.toFixed(2)}x (bar >= ${BARS.endToEnd}x)  ${verdict(endToEndRatio >= BARS.endToEnd)}`);
  console.log(`  webhook acks:   ${ackRatio.toFixed(2)}x (bar >= ${BARS.acks}x)  ${verdict(ackRatio >= BARS.acks)}`);
  console.log(`  p99 ack at half load (${sms.halfRate}/s): ${half.p99} ms (bar <= ${BARS.halfLoadP99Ms} ms)  ${verdict(half.p99 <= BARS.halfLoadP99Ms)}`);
}

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
try {
  if (scenarios.includes('web')) await webScenario(join(dataDir, 'web'));
  if (scenarios.includes('sms')) await smsScenario(join(dataDir, 'twilio'));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
