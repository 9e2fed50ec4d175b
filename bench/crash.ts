/**
 * Crash benchmark (`npm run bench:crash`): the service in a child process takes a burst of signed SMS webhooks
 * (every customer asks several different questions, so each answer tells which message it answers) and is
 * killed with SIGKILL mid-burst. It is started again on the same store, the webhooks that got no 200 are
 * delivered again (as Twilio's own retry or the sender would), and the fake Twilio's accepted messages are
 * counted per inbound message: replies lost, replies doubled, and the seconds from the restart until every
 * reply was accepted. Run on SQLite, then on PostgreSQL (127.0.0.1:5432, as the tests use). Prints figures.
 *
 *   npm run bench:crash        (CRASH_CUSTOMERS=40 CRASH_KILL_AFTER=60 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTranslator } from '../src/i18n.js';
import { startFakeTwilio, type FakeTwilio } from '../test/fakes/fake-twilio.js';
import { twilioTestEnv } from '../test/support/twilio-env.js';
import { answerTo, ORDERED_QUESTIONS } from '../test/support/ordered-questions.js';
import { sleep } from '../test/support/eventually.js';
import { createThrowawayDatabase } from '../test/support/postgres-database.js';
import { startServer, stopServer, type Server } from './service-process.js';

const PUBLIC_URL = 'https://bench.example.com';
const SMS_FROM = '+14155550100';
const CUSTOMERS = Number(process.env.CRASH_CUSTOMERS ?? 40);
/** Acknowledged webhooks before the kill. */
const KILL_AFTER = Number(process.env.CRASH_KILL_AFTER ?? 60);
/** Webhooks in flight at once, as Twilio's own concurrency towards one endpoint. */
const CONCURRENCY = 16;
const DISCLOSURE = createTranslator({ defaultLanguage: 'en' }).t('en', 'disclosure');
interface Webhook {
  phone: string;
  sid: string;
  body: string;
  answer: string;
  acked: boolean;
}

async function post(fake: FakeTwilio, url: string, hook: Webhook): Promise<void> {
  const params = { MessageSid: hook.sid, AccountSid: fake.accountSid, From: hook.phone, To: SMS_FROM, Body: hook.body, NumMedia: '0' };
  try {
    const res = await fake.postWebhook(`${url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, params);
    hook.acked = res.status === 200;
  } catch {
    // The connection died with the process: no 200, so it is delivered again after the restart.
  }
}

/** Posts the webhooks, `CONCURRENCY` at a time, in order; calls `onAck` after each 200. */
async function burst(fake: FakeTwilio, url: string, hooks: Webhook[], onAck: (acked: number) => void): Promise<void> {
  let next = 0;
  let acked = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < hooks.length) {
        const hook = hooks[next]!;
        next += 1;
        await post(fake, url, hook);
        if (hook.acked) onAck((acked += 1));
      }
    }),
  );
}

async function run(storeName: 'SQLite' | 'PostgreSQL'): Promise<void> {
  const fake = await startFakeTwilio();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-crash-'));
  const database = storeName === 'PostgreSQL' ? await createThrowawayDatabase('switchboard_bench') : undefined;
  const env = {
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...twilioTestEnv(fake, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }),
    ...(database && { DATABASE_URL: database.url }),
  };
  const hooks: Webhook[] = [];
  for (const text of ORDERED_QUESTIONS) {
    for (let c = 0; c < CUSTOMERS; c += 1) {
      hooks.push({ phone: `+4477009${String(c).padStart(5, '0')}`, sid: `SM${randomBytes(16).toString('hex')}`, body: text, answer: answerTo(text, true) ?? '', acked: false });
    }
  }

  let service: Server = await startServer('src/main.ts', env);
  let killed = false;
  await burst(fake, service.url, hooks, (acked) => {
    if (acked < KILL_AFTER || killed) return;
    killed = true;
    service.child.kill('SIGKILL');
  });
  const ackedBeforeKill = hooks.filter((h) => h.acked).length;
  const repliesBeforeKill = fake.messages.length;

  const restartedAt = performance.now();
  service = await startServer('src/main.ts', env);
  const redelivered = hooks.filter((h) => !h.acked);
  await burst(fake, service.url, redelivered, () => undefined);
  const unacked = hooks.filter((h) => !h.acked).length;

  const countOf = (phone: string, body: string) => fake.messages.filter((m) => m.to === phone && m.body === body).length;
  const phones = [...new Set(hooks.map((h) => h.phone))];
  const allDelivered = () => hooks.every((h) => countOf(h.phone, h.answer) > 0) && phones.every((p) => countOf(p, DISCLOSURE) > 0);
  const deadline = performance.now() + 120_000;
  while (!allDelivered() && performance.now() < deadline) await sleep(50);
  const recoverySeconds = (performance.now() - restartedAt) / 1000;
  // Late doubles would show up after "all delivered": give them the outbox's lease and a poll to appear.
  await sleep(12_000);

  const lost = hooks.filter((h) => countOf(h.phone, h.answer) === 0).length + phones.filter((p) => countOf(p, DISCLOSURE) === 0).length;
  const doubled =
    hooks.reduce((sum, h) => sum + Math.max(0, countOf(h.phone, h.answer) - 1), 0) + phones.reduce((sum, p) => sum + Math.max(0, countOf(p, DISCLOSURE) - 1), 0);

  console.log(`Crash on ${storeName}: ${hooks.length} SMS from ${CUSTOMERS} customers, kill -9 after ${KILL_AFTER} acks`);
  console.log(`  acked before the kill               ${ackedBeforeKill}`);
  console.log(`  replies accepted before the kill    ${repliesBeforeKill}`);
  console.log(`  webhooks redelivered after restart  ${redelivered.length} (still without a 200: ${unacked})`);
  console.log(`  replies expected                    ${hooks.length + phones.length}`);
  console.log(`  replies lost                        ${lost}`);
  console.log(`  replies doubled                     ${doubled}`);
  console.log(`  restart until all delivered         ${lost > 0 ? 'never (120 s cap)' : `${recoverySeconds.toFixed(1)} s`} (includes the service's start-up)`);
  console.log(`  of which the service's start-up     ${(service.startupMs / 1000).toFixed(1)} s (language model, knowledge base, migrations)`);
  if (lost > 0 || doubled > 0) process.exitCode = 1;

  await stopServer(service);
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
  await database?.drop();
}

await run('SQLite');
await run('PostgreSQL');
