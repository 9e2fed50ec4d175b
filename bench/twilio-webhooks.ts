/**
 * The inbound-SMS scenario of bench/load.ts: autocannon posts Twilio message webhooks, each with a fresh
 * MessageSid and a real X-Twilio-Signature (HMAC-SHA1 over PUBLIC_URL + path and the form parameters), to the
 * service configured against the fake Twilio REST server running in this process. Acks are the webhook's
 * figures; replies are counted as the fake accepts the product's `messages.create` calls.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import autocannon from 'autocannon';
import { startFakeTwilio } from '../test/fakes/fake-twilio.js';
import { twilioTestEnv } from '../test/support/twilio-env.js';

const PUBLIC_URL = 'https://bench.example.com';
const SMS_FROM = '+14155550100';
const CUSTOMERS = 200;
const QUESTIONS = ['How long does shipping take?', 'How can I return an item?', 'What payment methods do you accept?', 'hello', 'Where is my order?'];
/** The outbox is taken as drained once no reply arrived for this long. */
const QUIET_MS = 3000;

export interface TwilioWebhookOptions<S extends { url: string }> {
  seconds: number;
  connections: number;
  dataDir: string;
  /** Starts the service with these extra environment variables. */
  start: (env: Record<string, string>) => Promise<S>;
  stop: (server: S) => Promise<void>;
}

export interface TwilioWebhookFigures {
  customers: number;
  acksPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  acked: number;
  replies: number;
  repliesPerSecond: number;
  drainMs: number;
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
  try {
    let counter = 0;
    const signedUrl = `${PUBLIC_URL}/twilio/messages`;
    const startedAt = performance.now();
    const result = await autocannon({
      url: `${server.url}/twilio/messages`,
      method: 'POST',
      connections: options.connections,
      duration: options.seconds,
      requests: [
        {
          setupRequest: (request) => {
            counter += 1;
            const sid = `SM${randomBytes(16).toString('hex')}`;
            const params = {
              MessageSid: sid,
              SmsSid: sid,
              AccountSid: fake.accountSid,
              From: `+4477009${String(counter % CUSTOMERS).padStart(5, '0')}`,
              To: SMS_FROM,
              Body: QUESTIONS[counter % QUESTIONS.length] ?? 'hello',
              NumMedia: '0',
            };
            return {
              ...request,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-twilio-signature': twilio.getExpectedTwilioSignature(fake.authToken, signedUrl, params),
              },
              body: new URLSearchParams(params).toString(),
            };
          },
        },
      ],
    });
    const loadEndedAt = performance.now();
    while (performance.now() - Math.max(lastReplyAt, loadEndedAt) < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, 100));
    const replies = fake.messages.length;
    return {
      customers: CUSTOMERS,
      acksPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      acked: result['2xx'],
      replies,
      repliesPerSecond: replies / ((lastReplyAt - startedAt) / 1000),
      drainMs: Math.max(0, lastReplyAt - loadEndedAt),
    };
  } finally {
    clearInterval(timer);
    await options.stop(server);
    await fake.close();
  }
}
