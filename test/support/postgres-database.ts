/**
 * A throwaway PostgreSQL database on the local server (127.0.0.1:5432, trust auth), created for one suite and
 * dropped after it. An unreachable server fails the suite: CI has PostgreSQL, so a skip would hide a break.
 */
import pg from 'pg';

const SERVER = 'postgres://postgres@127.0.0.1:5432';

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres`, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A database named after `prefix`, not created yet: `create` makes it, `drop` removes it with any connection a killed process left. */
export function throwawayDatabase(prefix: string): { url: string; create: () => Promise<void>; drop: () => Promise<void> } {
  const database = `${prefix}_${process.pid}_${Date.now()}`;
  return {
    url: `${SERVER}/${database}`,
    create: () => admin(`CREATE DATABASE ${database}`),
    drop: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  };
}

/** Creates a throwaway database now (for one benchmark run); `drop` removes it. */
export async function createThrowawayDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = throwawayDatabase(prefix);
  await database.create();
  return database;
}

/** Registers mocha hooks that create the database before the suite and drop it after; returns its URL. */
export function useTestDatabase(prefix: string): string {
  const database = throwawayDatabase(prefix);
  before(database.create);
  after(database.drop);
  return database.url;
}
