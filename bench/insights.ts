/**
 * Insights benchmark (`npm run bench:insights [-- --conversations 100000]`): seeds a week of conversations (each a
 * customer message and the bot's reply; 5 % unanswered, the others answered by a knowledge entry, 10 % handed over
 * and claimed, 60 % asked the satisfaction survey and two thirds of those answered) into a fresh SQLite file and a
 * throwaway PostgreSQL database (127.0.0.1:5432), then prints how long the 7-day insights take on each, as
 * GET /admin/insights computes them, and the spike check's week of hourly topic counts: the median and worst of 5
 * runs after one warm-up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { openStore, SQLITE_FILE_NAME } from '../src/store/open-store.js';
import type { Database } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';
import { buildInsights } from '../src/insights/insights-report.js';

const argAt = process.argv.indexOf('--conversations');
const CONVERSATIONS = argAt > 0 ? Number(process.argv[argAt + 1]) : 100_000;
const NOW = new Date('2026-06-08T00:00:00.000Z');
const FROM = new Date('2026-06-01T00:00:00.000Z');
const BATCH = 1000;
const CHANNELS = ['web', 'sms', 'whatsapp'];
const LANGUAGES = ['en', 'lv', 'ru', 'de'];
const ENTRIES = ['shipping', 'returns', 'payment', 'order-tracking'];
const GAPS = ['do you ship to Mars', 'is there a student discount', 'can I pay with bitcoin', 'do you sell gift wrap', 'opening hours on holidays'];

async function seed(db: Kysely<Database>): Promise<void> {
  const span = NOW.getTime() - FROM.getTime() - 2 * 24 * 60 * 60 * 1000;
  for (let start = 0; start < CONVERSATIONS; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, CONVERSATIONS - start) }, (_, i) => start + i + 1);
    const at = (id: number): string => new Date(FROM.getTime() + Math.floor((id / CONVERSATIONS) * span)).toISOString();
    await db.insertInto('customers').values(ids.map((id) => ({ id, channel: CHANNELS[id % 3] ?? 'web', address_id: `c${id}`, address_ref: null, display_name: null, opted_out: 0, created_at: at(id), updated_at: at(id) }))).execute();
    await db
      .insertInto('conversations')
      .values(ids.map((id) => ({ id, customer_id: id, channel: CHANNELS[id % 3] ?? 'web', address_id: `c${id}`, state: 'bot', language: LANGUAGES[id % 4] ?? 'en', language_reason: null, language_evidence: null, failed_answers: 0, last_inbound_at: at(id), created_at: at(id), updated_at: at(id) })))
      .execute();
    await db
      .insertInto('messages')
      .values(
        ids.flatMap((id) => [
          { conversation_id: id, direction: 'in', author: 'customer', agent_name: null, text: id % 20 === 0 ? `${GAPS[(id / 20) % 5] ?? ''}? (${id})` : 'how long does shipping take?', media: '[]', channel: CHANNELS[id % 3] ?? 'web', external_id: `in${id}`, delivery_status: null, created_at: at(id), processed_at: at(id), unanswered: id % 20 === 0 ? 1 : 0, knowledge_entry: id % 20 === 0 ? null : ENTRIES[id % 4] ?? null },
          { conversation_id: id, direction: 'out', author: 'bot', agent_name: null, text: 'Here is how.', media: '[]', channel: CHANNELS[id % 3] ?? 'web', external_id: `out${id}`, delivery_status: 'sent', created_at: at(id), processed_at: null, unanswered: 0 },
        ]),
      )
      .execute();
    const handedOver = ids.filter((id) => id % 10 === 3);
    if (handedOver.length > 0) {
      await db
        .insertInto('handoffs')
        .values(handedOver.map((id) => ({ conversation_id: id, status: 'closed', reason: id % 3 === 0 ? 'asked_for_human' : 'frustration', language: 'en', desk_channel: null, desk_thread: null, claimed_by: 'U1', claimed_by_name: 'Ann', paged_at: at(id), last_paged_at: at(id), repaged_count: 0, claimed_at: new Date(Date.parse(at(id)) + (id % 600) * 1000).toISOString(), ended_at: at(id), created_at: at(id), updated_at: at(id), summary_language: null, summary_text: null, reason_detail: null })))
        .execute();
    }
    const surveyed = ids.filter((id) => id % 5 >= 1 && id % 5 <= 3);
    if (surveyed.length > 0) {
      await db
        .insertInto('surveys')
        .values(surveyed.map((id) => ({ conversation_id: id, customer_id: id, handled_by: id % 10 === 3 ? 'human' : 'bot', language: 'en', asked_at: at(id), rating: id % 3 === 0 ? null : 1 + (Math.floor(id / 7) % 5), answered_at: id % 3 === 0 ? null : at(id) })))
        .execute();
    }
  }
}

/** The median and worst of 5 timed runs after one warm-up, in ms. */
async function time<T>(run: () => Promise<T>): Promise<{ median: string; worst: string; result: T }> {
  let result = await run();
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    result = await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[2]?.toFixed(0) ?? '', worst: times[4]?.toFixed(0) ?? '', result };
}

async function measure(name: string, store: Store, db: Kysely<Database>): Promise<void> {
  await store.migrate();
  const seeding = performance.now();
  await seed(db);
  const seeded = ((performance.now() - seeding) / 1000).toFixed(1);
  const insights = await time(() => buildInsights(store, { from: FROM, to: NOW }, NOW));
  const report = insights.result;
  console.log(
    `${name.padEnd(10)} ${CONVERSATIONS} conversations (seeded in ${seeded} s): insights median ${insights.median} ms, worst ${insights.worst} ms;` +
      ` ${report.conversations.total} counted, ${report.unansweredQuestions.length} unanswered groups, resolution ${((report.automatedResolution.rate ?? 0) * 100).toFixed(1)} %,` +
      ` CSAT bot ${report.csat.bot.average?.toFixed(2)} (${report.csat.bot.answered}), human ${report.csat.human.average?.toFixed(2)} (${report.csat.human.answered})`,
  );
  // The spike check's baseline: every topic's hourly counts over the week.
  const week = await time(() => store.topicCounts(FROM, NOW));
  console.log(`${name.padEnd(10)} spike check, a week of hourly topic counts: median ${week.median} ms, worst ${week.worst} ms; ${week.result.length} topic-hours`);
}

const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-insights-'));
try {
  const sqliteStore = await openStore({ dataDir });
  await sqliteStore.migrate();
  const sqlite = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(join(dataDir, SQLITE_FILE_NAME)) }) });
  await measure('SQLite', sqliteStore, sqlite);
  await sqlite.destroy();
  await sqliteStore.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

const database = `switchboard_bench_insights_${process.pid}`;
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
try {
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${database}`;
  const pgStore = await openStore({ databaseUrl, dataDir: tmpdir() });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // DROP DATABASE … WITH (FORCE) below ends connections still closing; that is expected, not a failure.
  pool.on('error', () => undefined);
  const postgres = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await measure('PostgreSQL', pgStore, postgres);
  await postgres.destroy();
  await pgStore.close();
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
