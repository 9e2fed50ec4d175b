/**
 * A query Kysely builds and compiles once, then runs with new parameter values. Building a query's tree and
 * compiling it to SQL cost more than running it on SQLite for the store's small statements (Kysely was a tenth of
 * the service's CPU under load, and much of its garbage); the statements every message runs are compiled once
 * per dialect instead, and the SQL text handed to the driver is then the same string each time, so its prepared
 * statement is found without hashing a fresh string.
 *
 * The build function receives named parameters standing in for the values; each stands for one bound parameter,
 * found again among the compiled parameters by identity. Values the build writes itself (constants) stay bound as
 * they were compiled. Only shapes fixed at compile time fit: an IN list of varying length does not.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** Stands for one named parameter while the query is compiled. */
class Placeholder {
  constructor(readonly name: string) {}
}

/** Where each compiled parameter's value comes from: a named parameter, or the constant compiled in. */
type Slot = Placeholder | { readonly constant: unknown };

interface Compiled<R> {
  query: CompiledQuery<R>;
  slots: readonly Slot[];
}

export class PrecompiledQuery<P extends object, R> {
  /** One compilation per dialect (tests run SQLite and PostgreSQL stores in one process), by its adapter's class. */
  private readonly compiled = new Map<unknown, Compiled<R>>();

  constructor(private readonly build: (db: Kysely<Database>, params: P) => Compilable<R>) {}

  /** Runs the query on `db` (the store's Kysely instance or a transaction of it) with these values. */
  execute(db: Kysely<Database>, params: P): Promise<QueryResult<R>> {
    const { query, slots } = this.compiledFor(db);
    const values = params as Record<string, unknown>;
    const parameters = slots.map((slot) => (slot instanceof Placeholder ? values[slot.name] : slot.constant));
    return db.executeQuery<R>({ ...query, parameters });
  }

  /** The first row, if any. */
  async takeFirst(db: Kysely<Database>, params: P): Promise<R | undefined> {
    return (await this.execute(db, params)).rows[0];
  }

  /** Rows changed by an INSERT, UPDATE or DELETE without RETURNING. */
  async affected(db: Kysely<Database>, params: P): Promise<bigint> {
    return (await this.execute(db, params)).numAffectedRows ?? 0n;
  }

  private compiledFor(db: Kysely<Database>): Compiled<R> {
    const dialect = db.getExecutor().adapter.constructor;
    let compiled = this.compiled.get(dialect);
    if (!compiled) {
      const placeholders = new Proxy({}, { get: (_target, name) => new Placeholder(String(name)) }) as P;
      const query = this.build(db, placeholders).compile();
      compiled = { query, slots: query.parameters.map((value) => (value instanceof Placeholder ? value : { constant: value })) };
      this.compiled.set(dialect, compiled);
    }
    return compiled;
  }
}

/** A query compiled once per dialect; see {@link PrecompiledQuery}. */
export function precompiled<P extends object, R>(build: (db: Kysely<Database>, params: P) => Compilable<R>): PrecompiledQuery<P, R> {
  return new PrecompiledQuery(build);
}

/**
 * A family of precompiled queries, one per shape (the columns a patch sets, a status, a LIMIT written into the SQL):
 * the query of a shape is built on its first use and kept.
 */
export function precompiledByShape<K, P extends object, R>(build: (shape: K) => (db: Kysely<Database>, params: P) => Compilable<R>): (shape: K) => PrecompiledQuery<P, R> {
  const queries = new Map<K, PrecompiledQuery<P, R>>();
  return (shape) => {
    let query = queries.get(shape);
    if (!query) {
      query = precompiled(build(shape));
      queries.set(shape, query);
    }
    return query;
  };
}
