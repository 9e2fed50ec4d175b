/**
 * The inbound-SMS scenario of bench/load.ts: autocannon posts Twilio message webhooks, each with a fresh
 * MessageSid and a real X-Twilio-Signature (HMAC-SHA1 over PUBLIC_URL + path and the form parameters). The same
 * requests drive a bare express Twilio webhook (the baseline) and the service configured against the fake Twilio
 * REST server running in this process. Acks are the webhook's figures; replies are counted as the fake accepts
 * the product's `messages.create` calls.
 *
 * The service is measured twice on one store, after a warm-up: at full load (as many requests as `connections` keep in flight),
 * then — after its replies drained — at a fixed rate of half the acks per second it reached, where the ack's p99
 * says how quickly a webhook is answered when the service is busy but not saturated. That run is paced, open loop
 * (paced-load.ts): customers' messages arrive spread over each second, not in one burst at its start.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import autocannon from 'autocannon';
import { startFakeTwilio } from '../test/fakes/fake-twilio.js';
import { twilioTestEnv } from '../test/support/twilio-env.js';
import { runPacedLoad, type PacedRequest } from './paced-load.js';

export const PUBLIC_URL = 'https://bench.example.com';
const SMS_FROM = '+14155550100';
const CUSTOMERS = 200;
const QUESTIONS = ['How long does shipping take?', 'How can I return an item?', 'What payment methods do you accept?', 'hello', 'Where is my order?'];
/** The outbox is taken as drained once no reply arrived for this long. */
const QUIET_MS = 3000;
const WARM_UP_SECONDS = 3;

export interface WebhookLoad {
  /** The server's base URL; requests go to `/twilio/messages` on it. */
  url: string;
  authToken: string;
  accountSid: string;
  seconds: number;
  connections: number;
}

export interface AckFigures {
  acksPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  acked: number;
}

/** The i-th signed message webhook: a fresh MessageSid, from CUSTOMERS numbers in turn. */
export function signedWebhook(i: number, credentials: { authToken: string; accountSid: string }): PacedRequest {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const params = {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: credentials.accountSid,
    From: `+4477009${String(i % CUSTOMERS).padStart(5, '0')}`,
    To: SMS_FROM,
    Body: QUESTIONS[i % QUESTIONS.length] ?? 'hello',
    NumMedia: '0',
  };
  return {
    path: '/twilio/messages',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(credentials.authToken, `${PUBLIC_URL}/twilio/messages`, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

/** Posts signed message webhooks as fast as `connections` connections are answered, for `seconds`. */
export async function driveTwilioWebhooks(load: WebhookLoad): Promise<AckFigures> {
  let counter = 0;
  const result = await autocannon({
    url: `${load.url}/twilio/messages`,
    method: 'POST',
    connections: load.connections,
    duration: load.seconds,
    requests: [
      {
        setupRequest: (request) => {
          counter += 1;
          const { headers, body } = signedWebhook(counter, load);
          return { ...request, headers, body };
        },
      },
    ],
  });
  return {
    acksPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    acked: result['2xx'],
  };
}

/** Posts signed message webhooks at `rate` per second, evenly spaced (see paced-load.ts), for `seconds`. */
export async function paceTwilioWebhooks(load: Omit<WebhookLoad, 'connections'> & { rate: number }): Promise<AckFigures> {
  const figures = await runPacedLoad({ url: load.url, rate: load.rate, seconds: load.seconds, build: (i) => signedWebhook(i, load) });
  return { acksPerSecond: figures.acked / load.seconds, p50: figures.p50, p99: figures.p99, non2xx: figures.non2xx, errors: figures.errors, acked: figures.acked };
}

export interface TwilioWebhookOptions<S extends { url: string }> {
  seconds: number;
  connections: number;
  dataDir: string;
  /** Starts the service with these extra environment variables. */
  start: (env: Record<string, string>) => Promise<S>;
  stop: (server: S) => Promise<void>;
  /** The service process's CPU time so far, in ms. */
  cpuMs: (server: S) => number;
}

export interface EndToEndFigures extends AckFigures {
  replies: number;
  /** Replies from the first request to the last reply. */
  repliesPerSecond: number;
  /** How long after the load the last reply arrived. */
  drainMs: number;
  /** The service's CPU time from the first request until its replies drained, per webhook acked. */
  cpuMsPerMessage: number;
}

export interface TwilioWebhookFigures {
  customers: number;
  full: EndToEndFigures;
  /** The fixed rate of the second run: half of `full.acksPerSecond`. */
  halfRate: number;
  half: EndToEndFigures;
}

/** A signed token for the baseline, which checks signatures as the service does. */
export function baselineCredentials(): { authToken: string; accountSid: string } {
  return { authToken: randomBytes(16).toString('hex'), accountSid: `AC${randomBytes(16).toString('hex')}` };
}

export async function measureTwilioWebhooks<S extends { url: string }>(options: TwilioWebhookOptions<S>): Promise<TwilioWebhookFigures> {
  const fake = await startFakeTwilio();
  let lastReplyAt = 0;
  let counted = 0;
  // The fake keeps every message; only the count and the time of the last one matter here.
  const timer = setInterval(() => {
    if (fake.messages.length > counted) {
      counted = fake.messages.length;
      lastReplyAt = performance.now();
    }
  }, 20);
  const server = await options.start({
    DATA_DIR: options.dataDir,
    ...twilioTestEnv(fake, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }),
  });

  /** One run, then the wait until no reply arrived for QUIET_MS. */
  async function run(rate: number | undefined, seconds = options.seconds): Promise<EndToEndFigures> {
    const repliesBefore = fake.messages.length;
    const cpuBefore = options.cpuMs(server);
    const startedAt = performance.now();
    const credentials = { url: server.url, authToken: fake.authToken, accountSid: fake.accountSid, seconds };
    const acks = rate === undefined ? await driveTwilioWebhooks({ ...credentials, connections: options.connections }) : await paceTwilioWebhooks({ ...credentials, rate });
    const loadEndedAt = performance.now();
    while (performance.now() - Math.max(lastReplyAt, loadEndedAt) < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, 100));
    const replies = fake.messages.length - repliesBefore;
    const cpuMsPerMessage = (options.cpuMs(server) - cpuBefore) / Math.max(1, acks.acked);
    return { ...acks, replies, repliesPerSecond: replies / ((lastReplyAt - startedAt) / 1000), drainMs: Math.max(0, lastReplyAt - loadEndedAt), cpuMsPerMessage };
  }

  try {
    // A short warm-up first, not counted: the code is compiled by the time it is measured, start-up work that
    // outlives "listening" is done, and the customers' conversations (and their first replies) exist.
    await run(undefined, WARM_UP_SECONDS);
    const full = await run(undefined);
    const halfRate = Math.max(1, Math.round(full.acksPerSecond / 2));
    const half = await run(halfRate);
    return { customers: CUSTOMERS, full, halfRate, half };
  } finally {
    clearInterval(timer);
    await options.stop(server);
    await fake.close();
  }
}
