/**
 * Checkpoints the SQLite write-ahead log from a worker thread. Left to SQLite, the connection whose COMMIT takes
 * the log past 1000 pages copies the log into the database file and syncs both, inside that COMMIT: on the one
 * thread that also answers webhooks, every few hundred commits stalled for 10–35 ms, and checkpoints were half of
 * what commits cost. The worker's own connection runs PASSIVE checkpoints (they never wait for, nor block, the
 * writer) a few times a second, copying the log into the file as it grows.
 *
 * SQLite starts the log over only when a transaction begins with the whole log copied, which a checkpoint on
 * another thread rarely finishes just in time for under steady writes: so the writer still checkpoints by itself,
 * but only past four times SQLite's default size, and by then the worker has copied most of it. Should the worker
 * fail, the writer takes back SQLite's default. Durability is SQLite's either way: a commit is in the log when it
 * returns.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/** How often the worker checkpoints: the log grows by at most this much of the writes between two. */
const CHECKPOINT_INTERVAL_MS = 250;
/** SQLite's own default, restored on the writer's connection should the worker fail. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** Log pages past which the writer checkpoints (the rest the worker has not copied) and the log starts over. */
const WRITER_AUTOCHECKPOINT_PAGES = 4 * SQLITE_AUTOCHECKPOINT_PAGES;

/** The worker, as CommonJS evaluated in its thread (no loader for TypeScript there). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.file);
const checkpoint = () => database.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  database.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Stops the worker; the writer's connection checkpoints (and removes the log) when it closes. */
  stop(): Promise<void>;
}

/** Starts checkpointing `database`'s log off its thread; `onFailure` hears why, should the worker fail. */
export function startWalCheckpointer(database: SqliteDatabase.Database, onFailure: (error: unknown) => void): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: database.name, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  // A checkpointer never keeps the process alive.
  worker.unref();
  database.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  let stopping = false;
  let failure: unknown;
  worker.on('error', (error) => (failure = error));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      // Exiting unasked (an error, the thread ended): the writer checkpoints by itself again.
      if (!stopping && database.open) {
        database.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
        onFailure(failure ?? new Error(`the checkpoint worker exited with code ${code}`));
      }
      resolve();
    }),
  );
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      // Held until it has closed its connection, or the process could end first and leave a log to replay.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
