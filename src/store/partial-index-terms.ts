/**
 * Values written into the SQL as literals, not bound as parameters, where a query's term matches a partial
 * index's WHERE (messages by direction, the open conversation, the unanswered flag). SQLite built with STAT4, as
 * better-sqlite3 is, marks a parameter that takes part in choosing a partial index and re-prepares the statement
 * whenever that parameter is bound — on every run — so a bound `direction = ?` made a cached lookup compile
 * itself again each time (three times the cost of the lookup). PostgreSQL plans literals just as well.
 */
import { sql } from 'kysely';

export const INBOUND = sql.lit('in' as const);
export const OUTBOUND = sql.lit('out' as const);
export const CLOSED = sql.lit('closed' as const);
export const FLAGGED = sql.lit(1 as const);
