/**
 * Provider outage benchmark (`npm run bench:outage`): the real service (SQLite in a temp dir, engine, outbox,
 * the product's twilio client) takes signed SMS webhooks from 40 customers while the fake Twilio REST API answers
 * every request with 500 for 200 seconds. Each customer writes twice, once before and once during the outage,
 * so each conversation has three replies queued behind a failing disclosure. After the outage the benchmark
 * checks every conversation against what Twilio accepted and prints the counts: replies delivered, delivered
 * twice, lost, out of order, conversations whose first delivered message is the AI disclosure, dead letters,
 * refused attempts, and how long after the recovery the last reply went out.
 *
 * Time: the outbox's timers and the fake Twilio's clock are one sinon fake clock, so the 200 s outage and the
 * real backoff schedule (1 s doubling to a 1-minute cap, with jitter, as shipped) play in a few seconds; a
 * scaled real interval would have to scale the backoff too, which would change what is measured. Everything
 * else (HTTP, the engine, SQLite) runs on real time. The clock starts an hour ahead of the real one so that
 * rows the service queues (stamped by the store's real clock) are due on the outbox's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService } from '../src/service.js';
import { startFakeTwilio } from '../test/fakes/fake-twilio.js';
import { advanceUntil, clockOf, privateFakeClock } from '../test/support/fake-clock.js';
import { twilioTestEnv } from '../test/support/twilio-env.js';

const PUBLIC_URL = 'https://bench.example.com';
const SMS_FROM = '+14155550100';
const CUSTOMERS = 40;
const OUTAGE_MS = 200_000;
const SECOND = 1000;
/** The customers write in English from +44 numbers: their conversations are in English. */
const DISCLOSURE = createTranslator({ defaultLanguage: 'en' }).t('en', 'disclosure');

const clock = privateFakeClock(Date.now() + 60 * 60 * SECOND);
const now = () => new Date(clock.now);
const fake = await startFakeTwilio({ now });
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-outage-'));
const service = await startService(
  loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...twilioTestEnv(fake, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }),
  }),
  { logger: pino({ level: 'silent' }), outboxClock: clockOf(clock) },
);
const busy = () => fake.inFlight > 0;
const phones = Array.from({ length: CUSTOMERS }, (_, i) => `+4477009${String(i).padStart(5, '0')}`);

async function write(phone: string, body: string): Promise<void> {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const res = await fake.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, { MessageSid: sid, AccountSid: fake.accountSid, From: phone, To: SMS_FROM, Body: body });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
}

/** Every outbound message the store holds for the customer, oldest first. */
async function storedReplies(phone: string) {
  const customer = await service.store.findCustomer('sms', phone);
  if (!customer) throw new Error(`no customer ${phone}`);
  return (await service.store.listCustomerMessages(customer.id)).filter((m) => m.direction === 'out');
}

const started = performance.now();
const outageStart = clock.now;
fake.failUntil(new Date(outageStart + OUTAGE_MS));
await Promise.all(phones.map((phone) => write(phone, 'How long does shipping take?')));
// The webhooks answered once their messages were recorded; their turns queue the replies.
await service.idle();
await advanceUntil(clock, () => clock.now >= outageStart + OUTAGE_MS / 2, { busy, stepMs: SECOND });
await Promise.all(phones.map((phone) => write(phone, 'How can I return an item?')));
await service.idle();
const deliveredDuringOutage = fake.messages.length;

const allSettled = async () => {
  for (const phone of phones) {
    if ((await storedReplies(phone)).some((m) => m.deliveryStatus === 'pending')) return false;
  }
  return true;
};
await advanceUntil(clock, allSettled, { busy, stepMs: SECOND, maxMs: 60 * 60 * SECOND });
const lastDeliveryAfterRecovery = (clock.now - (outageStart + OUTAGE_MS)) / SECOND;

let queued = 0;
let delivered = 0;
let duplicates = 0;
let lost = 0;
let outOfOrder = 0;
let disclosureFirst = 0;
let dead = 0;
for (const phone of phones) {
  const replies = await storedReplies(phone);
  const received = fake.messages.filter((m) => m.to === phone).map((m) => m.body);
  queued += replies.length;
  delivered += received.length;
  dead += replies.filter((m) => m.deliveryStatus === 'failed').length;
  const expected = replies.map((m) => m.text);
  for (const text of new Set(expected)) {
    const want = expected.filter((e) => e === text).length;
    const got = received.filter((r) => r === text).length;
    duplicates += Math.max(0, got - want);
    lost += Math.max(0, want - got);
  }
  if (received.join('\n') !== expected.join('\n')) outOfOrder += 1;
  if (received[0] === DISCLOSURE) disclosureFirst += 1;
}

console.log(`Provider outage: Twilio answers 500 for ${OUTAGE_MS / SECOND} s (fake clock), ${CUSTOMERS} customers writing twice`);
console.log(`  replies queued                      ${queued}`);
console.log(`  delivered during the outage         ${deliveredDuringOutage}`);
console.log(`  delivered (Twilio accepted)         ${delivered}`);
console.log(`  delivered twice                     ${duplicates}`);
console.log(`  lost                                ${lost}`);
console.log(`  conversations out of order          ${outOfOrder}`);
console.log(`  conversations opening with the AI disclosure  ${disclosureFirst} / ${CUSTOMERS}`);
console.log(`  dead letters                        ${dead}`);
console.log(`  create requests refused             ${fake.attempts - fake.messages.length}`);
console.log(`  last reply after recovery           ${lastDeliveryAfterRecovery.toFixed(0)} s (fake time)`);
console.log(`  wall time                           ${((performance.now() - started) / SECOND).toFixed(1)} s`);
const ok = duplicates === 0 && lost === 0 && outOfOrder === 0 && dead === 0 && disclosureFirst === CUSTOMERS && deliveredDuringOutage === 0;
console.log(ok ? 'every reply delivered exactly once after recovery, the disclosure first, none dead' : 'FAILED: see the counts above');
if (!ok) process.exitCode = 1;

await fake.close();
await service.stop();
clock.uninstall();
rmSync(dataDir, { recursive: true, force: true });
