/**
 * Opens the store the configuration asks for: PostgreSQL when a database URL is given (replicas share it),
 * otherwise an embedded SQLite file in the data directory. Opening runs nothing; callers call `migrate()`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import { createKyselyStore } from './kysely-store.js';
import { groupCommitSqliteDialect } from './sqlite-group-commit.js';
import { startWalCheckpointer } from './sqlite-checkpointer.js';
import type { StoreLogger } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** A postgres:// URL; without one the store is SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Where the SQLite file lives; created when missing. */
  dataDir: string;
  logger?: StoreLogger;
  /** The clock for timestamps the store sets itself; tests pin it. */
  now?: () => Date;
}

/** The SQLite file name inside the data directory. */
export const SQLITE_FILE_NAME = 'switchboard.sqlite';

/** How long a SQLite writer waits for another connection's lock before failing with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

function openSqlite(dataDir: string, logger: StoreLogger | undefined): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true });
  const database = new SqliteDatabase(join(dataDir, SQLITE_FILE_NAME));
  // WAL lets readers proceed during a write; SQLite leaves foreign keys off unless asked, per connection.
  database.pragma('journal_mode = WAL');
  // In WAL mode NORMAL is still crash-safe for the application; only an OS crash or power loss can lose the last
  // commits, and it saves an fsync per transaction (https://www.sqlite.org/pragma.html#pragma_synchronous).
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const checkpointer = startWalCheckpointer(database, (error) =>
    logger?.error({ err: error }, 'store: the SQLite checkpoint worker failed; commits checkpoint the log themselves again'),
  );
  return new Kysely<Database>({ dialect: groupCommitSqliteDialect(database, () => checkpointer.stop()) });
}

async function openPostgres(databaseUrl: string, logger: StoreLogger | undefined): Promise<Kysely<Database>> {
  // Imported only for PostgreSQL: loading the client cost every SQLite start about 0.1 s.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', (error) => logger?.error({ err: error }, 'store: idle PostgreSQL connection failed'));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens (but does not migrate) the store: PostgreSQL for a `databaseUrl`, else SQLite under `dataDir`. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { databaseUrl, logger } = options;
  const postgres = databaseUrl !== undefined && databaseUrl !== '';
  const db = postgres ? await openPostgres(databaseUrl, logger) : openSqlite(options.dataDir, logger);
  return createKyselyStore({ db, dialect: postgres ? 'postgres' : 'sqlite', logger, now: options.now });
}
