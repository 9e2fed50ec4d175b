/**
 * Kysely over one better-sqlite3 connection with group commit. A commit is most of what a small write costs
 * (an autocommit insert ~20x an insert inside a transaction: the WAL frames and the wal-index are written per
 * commit), and the store writes a few rows per message from many turns and webhooks at once. So writes do not
 * commit one by one: the first write opens a transaction, every statement run in the rest of this turn of the
 * event loop joins it, and one COMMIT (setImmediate: after the I/O callbacks of this turn, so the webhooks that
 * arrived together and the turns they woke all share it) makes them durable together. Work started together (a
 * batch of turns the inbox claimed at once) moves in step, so each of its steps commits once for the whole batch.
 * (process.nextTick would commit each webhook's write alone: every HTTP request is an I/O callback of its own.)
 *
 * Nobody sees a result before it is durable: a write's promise, and a read's while a group is open (it may have
 * read uncommitted rows), resolve only after the COMMIT of their group, and reject if it fails. So a webhook is
 * still acked only after its message is committed, and nothing is sent for a row whose claim could be lost.
 *
 * Kysely transactions are savepoints inside the group, holding the connection for their duration as before (no
 * other statement runs inside them); their statements resolve at once and their commit waits for the group's.
 *
 * An open group holds SQLite's write lock. A second connection to the same file in this process (tests stand
 * replicas up that way) would wait for it synchronously, blocking the thread that has to commit it: so its writes
 * first wait for the other connection's group to commit.
 */
import type SqliteDatabase from 'better-sqlite3';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** How many distinct prepared statements to keep; the store issues a few dozen query shapes. */
const STATEMENT_CACHE_SIZE = 256;
const TRANSACTION_SAVEPOINT = 'kysely_transaction';

/** A first-come first-served lock: the one connection is used by one holder at a time. */
class Lock {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // The lock passes straight to the next waiter, so nobody can slip in between.
    if (next) next();
    else this.held = false;
  }
}

/** The statements since the last COMMIT, and who waits for it. */
interface Group {
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
  /** Settles (never rejects) once the group committed or failed. */
  ended: Promise<void>;
  end: () => void;
}

/** The connection of this process whose group is open, per database file. */
const openGroups = new Map<string, GroupCommitDriver>();

class GroupCommitDriver implements Driver {
  private readonly lock = new Lock();
  private readonly statements = new Map<string, SqliteDatabase.Statement>();
  private group: Group | undefined;

  constructor(
    private readonly database: SqliteDatabase.Database,
    private readonly beforeClose: () => Promise<void>,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.acquire();
    return new GroupConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const handle = connection as GroupConnection;
    while (this.otherGroupOpen()) {
      handle.unlock();
      await this.othersCommitted();
      await handle.relock();
    }
    this.openGroup();
    this.database.exec(`SAVEPOINT ${TRANSACTION_SAVEPOINT}`);
    handle.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const handle = connection as GroupConnection;
    this.database.exec(`RELEASE ${TRANSACTION_SAVEPOINT}`);
    handle.inTransaction = false;
    // Others may add to the group while this transaction waits for its COMMIT.
    handle.unlock();
    await this.durable(undefined);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const handle = connection as GroupConnection;
    handle.inTransaction = false;
    // An error like SQLITE_FULL rolls the whole transaction back itself; then there is no savepoint left.
    if (this.database.inTransaction) {
      this.database.exec(`ROLLBACK TO ${TRANSACTION_SAVEPOINT}`);
      this.database.exec(`RELEASE ${TRANSACTION_SAVEPOINT}`);
    }
    handle.unlock();
  }

  async savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.database.exec(`SAVEPOINT ${JSON.stringify(name)}`);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.database.exec(`ROLLBACK TO ${JSON.stringify(name)}`);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.database.exec(`RELEASE ${JSON.stringify(name)}`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as GroupConnection).unlock();
  }

  async destroy(): Promise<void> {
    await this.flush();
    await this.beforeClose();
    this.database.close();
  }

  /** Runs one statement now, on the connection the caller holds the lock of. */
  run(query: CompiledQuery): QueryResult<unknown> {
    const statement = this.prepare(query.sql);
    if (!statement.readonly) this.openGroup();
    const parameters = query.parameters as unknown[];
    try {
      if (statement.reader) return { rows: statement.all(parameters) };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    } catch (error) {
      // Most errors undo only their statement; a few (SQLITE_FULL, IOERR) undo the whole open transaction.
      if (this.group && !this.database.inTransaction) this.failGroup(error);
      throw error;
    }
  }

  /** Resolves once no other connection to this file has a group open (see the module comment). */
  async othersCommitted(): Promise<void> {
    for (;;) {
      const other = openGroups.get(this.database.name);
      if (!other || other === this) return;
      await other.group?.ended;
    }
  }

  otherGroupOpen(): boolean {
    const other = openGroups.get(this.database.name);
    return other !== undefined && other !== this;
  }

  /** Whether the statement changes the database. */
  writes(query: CompiledQuery): boolean {
    return !this.prepare(query.sql).readonly;
  }

  /** `value` once everything written so far is committed. */
  durable<T>(value: T): Promise<T> {
    const group = this.group;
    if (!group) return Promise.resolve(value);
    return new Promise<T>((resolve, reject) => group.waiters.push({ resolve: () => resolve(value), reject }));
  }

  prepare(sql: string): SqliteDatabase.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Kysely would prepare every query anew; preparing was a tenth of the service's CPU under load.
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
      if (this.statements.size > STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value ?? sql);
    }
    return statement;
  }

  private openGroup(): void {
    if (this.group) return;
    this.database.exec('BEGIN');
    let end = (): void => undefined;
    const ended = new Promise<void>((resolve) => (end = resolve));
    this.group = { waiters: [], ended, end };
    openGroups.set(this.database.name, this);
    // Runs after this turn's I/O callbacks and the promise jobs they queue: they all join this commit.
    setImmediate(() => void this.flush());
  }

  /** Forgets the group (committed or failed) and wakes whoever waits for it to end. */
  private closeGroup(group: Group): void {
    if (this.group === group) this.group = undefined;
    if (openGroups.get(this.database.name) === this) openGroups.delete(this.database.name);
    group.end();
  }

  private failGroup(error: unknown): void {
    const group = this.group;
    if (!group) return;
    if (this.database.inTransaction) this.database.exec('ROLLBACK');
    this.closeGroup(group);
    for (const waiter of group.waiters) waiter.reject(error);
  }

  /** Commits the open group; waits for a Kysely transaction in progress, which is part of it, to end first. */
  private async flush(): Promise<void> {
    await this.lock.acquire();
    try {
      const group = this.group;
      if (!group) return;
      try {
        this.database.exec('COMMIT');
      } catch (error) {
        this.failGroup(error);
        return;
      }
      this.closeGroup(group);
      for (const waiter of group.waiters) waiter.resolve();
    } finally {
      this.lock.release();
    }
  }

  lockAgain(): Promise<void> {
    return this.lock.acquire();
  }

  unlockConnection(): void {
    this.lock.release();
  }
}

/** What one acquirer holds: the lock, until its statement ran (or its transaction ended). */
class GroupConnection implements DatabaseConnection {
  inTransaction = false;
  private locked = true;

  constructor(private readonly driver: GroupCommitDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // A connection used for several statements outside a transaction takes the lock again for each.
    await this.relock();
    if (this.inTransaction) return this.driver.run(query) as QueryResult<R>;
    // Checked again after every wait: the other connection may have opened a new group meanwhile.
    while (this.driver.writes(query) && this.driver.otherGroupOpen()) {
      // Without the lock while waiting, so this connection's own work goes on.
      this.unlock();
      await this.driver.othersCommitted();
      await this.relock();
    }
    let result: QueryResult<R>;
    try {
      result = this.driver.run(query) as QueryResult<R>;
    } finally {
      // Free the connection before waiting for the COMMIT, so other statements join this group.
      this.unlock();
    }
    return this.driver.durable(result);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('store: streaming queries are not supported on SQLite');
  }

  async relock(): Promise<void> {
    if (this.locked) return;
    await this.driver.lockAgain();
    this.locked = true;
  }

  unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    this.driver.unlockConnection();
  }
}

/**
 * Kysely's SQLite dialect with {@link GroupCommitDriver} in place of its own driver; `beforeClose` runs when the
 * store is destroyed, after the last commit and before the connection closes.
 */
export function groupCommitSqliteDialect(database: SqliteDatabase.Database, beforeClose: () => Promise<void> = async () => undefined): Dialect {
  return {
    createDriver: (): Driver => new GroupCommitDriver(database, beforeClose),
    createQueryCompiler: (): QueryCompiler => new SqliteQueryCompiler(),
    createAdapter: (): DialectAdapter => new SqliteAdapter(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new SqliteIntrospector(db),
  };
}
