/**
 * SQL statements per inbound SMS on the embedded store, along the whole path: the signed webhook recorded, the
 * inbox worker's claim, the engine's turn, the outbox's claim and send through the fake Twilio REST API, and one
 * `delivered` status callback per reply. The service runs in this process with better-sqlite3's statement and
 * exec calls counted, so every statement that reaches SQLite is seen, whoever issued it.
 *
 * Customers write in waves (one message each, all at once), as under load, so work that is batched or
 * group-committed shows its share per message. Prints each statement shape with its count per message, then the
 * totals (statements, and COMMITs: the durable writes).
 *
 *   npm run bench:statements            (STATEMENT_WAVES=5 STATEMENT_CUSTOMERS=40 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startService } from '../src/service.js';
import { startFakeTwilio } from '../test/fakes/fake-twilio.js';
import { twilioTestEnv } from '../test/support/twilio-env.js';

const PUBLIC_URL = 'https://bench.example.com';
const SMS_FROM = '+14155550100';
const waves = Number(process.env.STATEMENT_WAVES ?? 5);
const customers = Number(process.env.STATEMENT_CUSTOMERS ?? 40);

/**
 * Executions and time in SQLite by statement shape — the SQL with runs of whitespace folded, cut to a readable
 * length. Wall time around each synchronous call: other load on the machine inflates it, but process CPU time would
 * count the checkpoint and GC threads too.
 */
const counts = new Map<string, { executions: number; ms: number }>();
let counting = false;

/** Runs one statement, counted under its shape. */
function count<T>(sql: string, execute: () => T): T {
  if (!counting) return execute();
  const started = performance.now();
  try {
    return execute();
  } finally {
    const shape = sql.replace(/\s+/g, ' ').trim().slice(0, 150);
    const seen = counts.get(shape) ?? { executions: 0, ms: 0 };
    counts.set(shape, { executions: seen.executions + 1, ms: seen.ms + performance.now() - started });
  }
}

type StatementMethod = (this: SqliteDatabase.Statement, ...parameters: unknown[]) => unknown;

/** Counts every execution of every prepared statement and every `exec` (BEGIN, COMMIT, SAVEPOINT…). */
function countSqlite(): void {
  const probe = new SqliteDatabase(':memory:');
  const statementPrototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<'run' | 'get' | 'all' | 'iterate', StatementMethod>;
  probe.close();
  for (const name of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statementPrototype[name];
    statementPrototype[name] = function counted(this: SqliteDatabase.Statement, ...parameters: unknown[]) {
      return count(this.source, () => original.apply(this, parameters));
    };
  }
  const databasePrototype = SqliteDatabase.prototype as { exec: (this: SqliteDatabase.Database, source: string) => SqliteDatabase.Database };
  const exec = databasePrototype.exec;
  databasePrototype.exec = function counted(this: SqliteDatabase.Database, source: string) {
    return count(source, () => exec.call(this, source));
  };
}

countSqlite();
const fake = await startFakeTwilio();
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-statements-'));
const service = await startService(
  loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...twilioTestEnv(fake, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }) }),
  { logger: pino({ level: 'silent' }) },
);

const phone = (customer: number) => `+4477009${String(customer).padStart(5, '0')}`;

async function wave(): Promise<void> {
  const posted = [];
  for (let customer = 0; customer < customers; customer += 1) {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: fake.accountSid, From: phone(customer), To: SMS_FROM, Body: 'How long does shipping take?', NumMedia: '0' };
    posted.push(fake.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, params));
  }
  for (const response of await Promise.all(posted)) if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

/** Twilio reporting each reply delivered, as it would after the send. */
async function deliveredCallbacks(from: number): Promise<void> {
  await Promise.all(
    fake.messages.slice(from).map((message) =>
      fake.postWebhook(`${service.url}/twilio/status?outbox=0`, `${PUBLIC_URL}/twilio/status?outbox=0`, { MessageSid: message.sid, MessageStatus: 'delivered', AccountSid: fake.accountSid }),
    ),
  );
}

try {
  // The first wave opens every conversation (and sends each disclosure): not the steady state, so not counted.
  await wave();
  await service.idle();
  await fake.waitForMessages(fake.messages.length);
  const before = fake.messages.length;
  let expected = before;
  counting = true;
  for (let round = 0; round < waves; round += 1) {
    await wave();
    await service.idle();
    expected += customers;
    await fake.waitForMessages(expected);
  }
  await deliveredCallbacks(before);
  counting = false;
  const messages = waves * customers;
  const rows = [...counts].sort((a, b) => b[1].executions - a[1].executions);
  console.log(`SQL statements per inbound SMS, ${messages} messages (${waves} waves of ${customers} customers), ${fake.messages.length - before} replies`);
  console.log('  per message   µs per message  statement');
  const perMessage = (value: number, digits: number, width: number) => (value / messages).toFixed(digits).padStart(width);
  for (const [shape, { executions, ms }] of rows) console.log(`${perMessage(executions, 2, 13)} ${perMessage(ms * 1000, 1, 16)}  ${shape}`);
  const total = rows.reduce((sum, [, { executions }]) => sum + executions, 0);
  const totalMs = rows.reduce((sum, [, { ms }]) => sum + ms, 0);
  const commits = counts.get('COMMIT')?.executions ?? 0;
  console.log(`total ${(total / messages).toFixed(2)} statements and ${(totalMs * 1000 / messages).toFixed(0)} µs in SQLite per message, ${(commits / messages).toFixed(2)} COMMITs per message`);
} finally {
  await service.stop();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
}
