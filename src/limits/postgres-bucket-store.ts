/**
 * Token buckets in PostgreSQL (DATABASE_URL without REDIS_URL), shared by every replica. One statement does
 * the GCRA step: the upsert's row lock makes concurrent takes of one bucket queue up, and its WHERE refuses
 * the update when the bucket is empty. The table holds one row per recently active bucket; full ones are
 * deleted periodically.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { emissionIntervalMs, type BucketStore } from './token-bucket.js';

const TABLE = 'limit_buckets';

/** PostgreSQL error codes of a CREATE TABLE IF NOT EXISTS that lost a race with another replica's. */
const TABLE_RACE_CODES = new Set(['23505', '42710', '42P07']);

/** How often buckets that have refilled completely are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

// $1 key, $2 now, $3 interval, $4 limit (ms, bigint). `current` reads the snapshot before the upsert, which is
// the state that refused it.
const TAKE = `
WITH taken AS (
  INSERT INTO ${TABLE} AS b (key, tat) VALUES ($1, $2::bigint + $3::bigint)
  ON CONFLICT (key) DO UPDATE SET tat = GREATEST(b.tat, $2::bigint) + $3::bigint
    WHERE GREATEST(b.tat, $2::bigint) - $2::bigint + $3::bigint <= $3::bigint * $4::bigint
  RETURNING tat
)
SELECT (SELECT tat FROM taken) AS taken, (SELECT tat FROM ${TABLE} WHERE key = $1) AS current`;

/** Creates the table if needed (several replicas may race to: that is harmless) and returns the store. */
export async function createPostgresBucketStore(pool: Pool, logger: Logger): Promise<BucketStore> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (key text PRIMARY KEY, tat bigint NOT NULL)`).catch((error: unknown) => {
    // Two replicas creating the table at once: the loser sees a unique violation on the type name (23505), or
    // "type … already exists" (42710) or "relation … already exists" (42P07), depending on where it lost the race.
    if (!TABLE_RACE_CODES.has((error as { code?: string }).code ?? '')) throw error;
  });
  const sweep = setInterval(() => {
    pool.query(`DELETE FROM ${TABLE} WHERE tat < $1`, [Date.now()]).catch((error: unknown) => logger.warn({ err: error }, 'full rate-limit buckets could not be deleted'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    async take(key, rule) {
      const now = Date.now();
      const interval = emissionIntervalMs(rule);
      const { rows } = await pool.query<{ taken: string | null; current: string | null }>(TAKE, [key, now, interval, rule.limit]);
      const row = rows[0];
      if (row?.taken != null) return { allowed: true };
      // A concurrent first take can leave `current` unseen; a token is then at most one interval away.
      const tat = row?.current == null ? now + interval * rule.limit : Number(row.current);
      return { allowed: false, retryAfterMs: Math.max(1, Math.max(tat, now) + interval - now - interval * rule.limit) };
    },
    async close() {
      clearInterval(sweep);
    },
  };
}
