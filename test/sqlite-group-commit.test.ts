/**
 * The SQLite group commit (src/store/sqlite-group-commit.ts): writes running together share one COMMIT, nothing
 * is handed out before its commit (a second connection, as a restarted process would, sees it by then), and one
 * failing write or rolled-back transaction costs only itself.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Generated } from 'kysely';
import { groupCommitSqliteDialect } from '../src/store/sqlite-group-commit.js';

interface Tables {
  notes: { id: Generated<number>; text: string };
}

describe('SQLite group commit', () => {
  let dir: string;
  let file: string;
  let database: SqliteDatabase.Database;
  let db: Kysely<Tables>;
  /** Another connection to the file: what it sees is committed. */
  let observer: SqliteDatabase.Database;
  let commits: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-group-commit-'));
    file = join(dir, 'test.sqlite');
    database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    database.exec('create table notes (id integer primary key, text text not null unique)');
    commits = 0;
    const exec = database.exec.bind(database);
    database.exec = (source: string) => {
      if (source === 'COMMIT') commits += 1;
      return exec(source);
    };
    db = new Kysely<Tables>({ dialect: groupCommitSqliteDialect(database) });
    observer = new SqliteDatabase(file, { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const committed = (): string[] => (observer.prepare('select text from notes order by id').all() as { text: string }[]).map((row) => row.text);
  const insert = (text: string) => db.insertInto('notes').values({ text }).returning('id').executeTakeFirstOrThrow();

  it('commits writes started together once, and resolves each only once it is committed', async () => {
    const seenAtResolve: string[][] = [];
    await Promise.all(['a', 'b', 'c'].map((text) => insert(text).then(() => seenAtResolve.push(committed()))));
    assert.equal(commits, 1);
    for (const seen of seenAtResolve) assert.deepEqual(seen, ['a', 'b', 'c']);
  });

  it('commits writes from callbacks of one event-loop turn together, as webhooks arriving at once', async () => {
    // Two immediates queued together run in one check phase, each a callback of its own, like two HTTP requests
    // read in one poll phase. (Two timers could fall due a millisecond apart, in two turns.)
    const written = ['first', 'second'].map((text) => new Promise((resolve, reject) => setImmediate(() => insert(text).then(resolve, reject))));
    await Promise.all(written);
    assert.equal(commits, 1);
    assert.deepEqual(committed(), ['first', 'second']);
  });

  it('resolves a read made while writes are uncommitted only after their commit', async () => {
    const writing = insert('pending');
    const rows = await db.selectFrom('notes').select('text').execute();
    assert.deepEqual(rows, [{ text: 'pending' }]);
    assert.deepEqual(committed(), ['pending'], 'what the read returned is durable');
    await writing;
  });

  it('fails only the write that failed, not the others of its group', async () => {
    await insert('taken');
    const results = await Promise.allSettled([insert('x'), insert('taken'), insert('y')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(committed(), ['taken', 'x', 'y']);
  });

  it('rolls a failed transaction back without the writes around it, and commits a good one with them', async () => {
    const failing = db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ text: 'undone' }).execute();
      throw new Error('the transaction fails');
    });
    const results = await Promise.allSettled([
      insert('before'),
      failing,
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ text: 'in a transaction' }).execute();
        await trx.insertInto('notes').values({ text: 'and another' }).execute();
      }),
      insert('after'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    assert.deepEqual(committed().sort(), ['after', 'and another', 'before', 'in a transaction']);
  });

  it('lets a second connection to the same file in this process write, after the first one committed', async () => {
    const other = new Kysely<Tables>({ dialect: groupCommitSqliteDialect(new SqliteDatabase(file)) });
    try {
      await Promise.all([insert('mine'), other.insertInto('notes').values({ text: 'theirs' }).execute(), insert('mine again')]);
      assert.deepEqual(committed().sort(), ['mine', 'mine again', 'theirs']);
    } finally {
      await other.destroy();
    }
  });
});
