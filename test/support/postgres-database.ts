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

/** Registers mocha hooks that create the database before the suite and drop it after; returns its URL. */
export function useTestDatabase(prefix: string): string {
  const database = `${prefix}_${process.pid}_${Date.now()}`;
  before(() => admin(`CREATE DATABASE ${database}`));
  after(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  return `${SERVER}/${database}`;
}
