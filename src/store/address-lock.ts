/**
 * Keeps one customer's messages in order across replicas. Within a process the engine already runs one
 * address's messages one at a time; with several replicas on PostgreSQL, two messages of one customer that
 * land on two replicas at once must still not interleave, so each turn holds a PostgreSQL advisory lock on
 * the address. SQLite is embedded in one process, where the engine's own ordering is all there is to have.
 */
import pg from 'pg';

export interface AddressLock {
  /** Runs `task` while no other holder of this lock (in any process) runs one for the same key. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** For the embedded store: one process, nothing to coordinate with. */
export function createProcessLocalLock(): AddressLock {
  return { run: (_key, task) => task(), close: async () => undefined };
}

/** Our advisory-lock namespace ("SB"), so the locks never collide with another application's on the database. */
const LOCK_NAMESPACE = 0x5342;

export interface PostgresAddressLockOptions {
  connectionString: string;
  /**
   * Connections held by lock owners: how many customers one replica serves at the same moment. Separate from the
   * query pool, so lock owners can never starve their own queries of connections.
   */
  size?: number;
  onError?: (error: Error) => void;
}

export function createPostgresAddressLock(options: PostgresAddressLockOptions): AddressLock {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.size ?? 16, connectionTimeoutMillis: 10_000 });
  pool.on('error', (error) => options.onError?.(error));
  return {
    async run(key, task) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // Session-level: held across the turn's own queries, which run on the store's pool.
        await client.query('select pg_advisory_lock($1, hashtext($2))', [LOCK_NAMESPACE, key]);
        try {
          return await task();
        } finally {
          await client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, key]).catch((error: Error) => {
            // A connection that cannot unlock is destroyed, and PostgreSQL frees its locks with it.
            broken = error;
          });
        }
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
