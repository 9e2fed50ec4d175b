/** A throwaway PostgreSQL database on the local server (127.0.0.1:5432, trust auth, as the tests use), for one benchmark run. */
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

/** Creates the database; `drop` removes it, with any connection a killed service left. */
export async function createBenchDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = `${prefix}_${process.pid}_${Date.now()}`;
  await admin(`CREATE DATABASE ${database}`);
  return { url: `${SERVER}/${database}`, drop: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}
