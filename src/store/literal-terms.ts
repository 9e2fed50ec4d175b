/**
 * Values written into the SQL as literals, not bound as parameters: where a query's term matches a partial index's
 * WHERE (messages by direction, the open conversation, the unanswered flag), and a LIMIT. SQLite built with STAT4,
 * as better-sqlite3 is, marks such a parameter as one the plan may depend on and re-prepares the statement whenever
 * it is bound — on every run — so a bound `direction = ?` or `LIMIT ?` made a cached statement compile itself again
 * each time (a lookup 2.7 → 11.8 µs). PostgreSQL plans literals just as well.
 */
import { sql } from 'kysely';

export const INBOUND = sql.lit('in' as const);
export const OUTBOUND = sql.lit('out' as const);
export const CLOSED = sql.lit('closed' as const);
export const FLAGGED = sql.lit(1 as const);

/** A LIMIT of `count` rows, written into the SQL (each count its own statement). */
export function limitOf(count: number) {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`store: a limit must be a whole number, not ${count}`);
  return sql.lit(count);
}
