/**
 * The limits' building blocks with the clock pinned by sinon: token buckets on each store (memory, PostgreSQL,
 * Redis) including concurrent takes from two replicas, socket leases that outlive no crashed replica, and the
 * web limits' scopes and failure mode.
 */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import sinon from 'sinon';
import { counterDurationSeconds, createLeaseCounter, type LeaseCounter } from '../src/limits/lease-counter.js';
import { createMemoryBucketStore } from '../src/limits/memory-bucket-store.js';
import { createPostgresBucketStore } from '../src/limits/postgres-bucket-store.js';
import { createRedisBucketStore } from '../src/limits/redis-bucket-store.js';
import type { BucketStore } from '../src/limits/token-bucket.js';
import { createWebLimits } from '../src/limits/web-limits.js';
import { useTestDatabase } from './support/postgres-database.js';
import { createCollectingLogger } from './support/collecting-logger.js';

const silent = pino({ level: 'silent' });
const REDIS_URL = 'redis://127.0.0.1:6379';
/** Keys of this run only: other runs may share the Redis server. */
const runId = `test_${process.pid}_${Date.now()}`;
const START = Date.UTC(2031, 0, 1);

/** Two stores over one backing, as two replicas would hold them, and how to put them away. */
interface SharedStores {
  replicas: [BucketStore, BucketStore];
  close(): Promise<void>;
}

function describeBuckets(name: string, open: () => Promise<SharedStores>): void {
  describe(`token buckets in ${name}`, () => {
    let stores: SharedStores;
    let clock: sinon.SinonFakeTimers;
    let n = 0;
    const key = () => `${runId}:${name}:${(n += 1)}`;
    const rule = { limit: 3, periodMs: 60_000 };

    before(async () => {
      stores = await open();
    });
    after(() => stores.close());
    beforeEach(() => {
      // Only Date: the stores' drivers keep their real timers.
      clock = sinon.useFakeTimers({ now: START, toFake: ['Date'] });
    });
    afterEach(() => clock.restore());

    it('takes `limit` at once, then refuses for exactly as long as one token takes to refill', async () => {
      const [store] = stores.replicas;
      const bucket = key();
      for (let i = 0; i < 3; i += 1) assert.deepEqual(await store.take(bucket, rule), { allowed: true });
      assert.deepEqual(await store.take(bucket, rule), { allowed: false, retryAfterMs: 20_000 });
      clock.tick(19_999);
      assert.deepEqual(await store.take(bucket, rule), { allowed: false, retryAfterMs: 1 });
      clock.tick(1);
      assert.deepEqual(await store.take(bucket, rule), { allowed: true });
      assert.deepEqual(await store.take(bucket, rule), { allowed: false, retryAfterMs: 20_000 });
    });

    it('refills to the limit and no further, however long the bucket rests', async () => {
      const [store] = stores.replicas;
      const bucket = key();
      for (let i = 0; i < 3; i += 1) await store.take(bucket, rule);
      clock.tick(10 * 60_000);
      const results = [];
      for (let i = 0; i < 4; i += 1) results.push((await store.take(bucket, rule)).allowed);
      assert.deepEqual(results, [true, true, true, false]);
    });

    it('keeps buckets apart by key', async () => {
      const [store] = stores.replicas;
      const [a, b] = [key(), key()];
      for (let i = 0; i < 3; i += 1) await store.take(a, rule);
      assert.equal((await store.take(a, rule)).allowed, false);
      assert.equal((await store.take(b, rule)).allowed, true);
    });

    it('grants exactly `limit` of many concurrent takes from two replicas', async () => {
      const bucket = key();
      const many = { limit: 10, periodMs: 60_000 };
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores.replicas[i % 2]!.take(bucket, many)));
      assert.equal(results.filter((r) => r.allowed).length, 10);
    });
  });
}

describeBuckets('memory', async () => {
  const store = createMemoryBucketStore();
  return { replicas: [store, store], close: () => store.close() };
});

describe('token buckets and leases on PostgreSQL', () => {
  const databaseUrl = useTestDatabase('switchboard_limits');
  describeBuckets('PostgreSQL', async () => {
    const pools = [new pg.Pool({ connectionString: databaseUrl }), new pg.Pool({ connectionString: databaseUrl })];
    const replicas = (await Promise.all(pools.map((pool) => createPostgresBucketStore(pool, silent)))) as [BucketStore, BucketStore];
    return {
      replicas,
      async close() {
        for (const store of replicas) await store.close();
        for (const pool of pools) await pool.end();
      },
    };
  });

  describe('socket leases shared by two replicas', () => {
    let pool: pg.Pool;
    let counters: RateLimiterAbstract;
    before(async () => {
      pool = new pg.Pool({ connectionString: databaseUrl });
      counters = await new Promise<RateLimiterPostgres>((resolve, reject) => {
        const limiter: RateLimiterPostgres = new RateLimiterPostgres(
          { storeClient: pool, tableName: 'limit_leases', keyPrefix: runId, points: 1, duration: counterDurationSeconds(30_000) },
          (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(limiter)),
        );
      });
    });
    after(() => pool.end());

    it('holds the cap across replicas and frees a lease on release', async () => {
      const [a, b] = [createLeaseCounter({ counters, windowMs: 30_000, logger: silent }), createLeaseCounter({ counters, windowMs: 30_000, logger: silent })];
      try {
        const first = await a.acquire('visitor-1', 2);
        const second = await b.acquire('visitor-1', 2);
        assert.ok(first && second);
        assert.equal(await a.acquire('visitor-1', 2), undefined);
        assert.equal(await b.acquire('visitor-1', 2), undefined);
        await first.release();
        await first.release(); // idempotent: frees one lease, not two
        assert.ok(await b.acquire('visitor-1', 2));
        assert.equal(await a.acquire('visitor-1', 2), undefined);
      } finally {
        a.close();
        b.close();
      }
    });
  });
});

describe('token buckets and leases on Redis', () => {
  let redis: Redis;
  before(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  after(async () => {
    const keys = await redis.keys(`*${runId}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  describeBuckets('Redis', async () => {
    const replicas: [BucketStore, BucketStore] = [createRedisBucketStore(redis, `${runId}:`), createRedisBucketStore(redis, `${runId}:`)];
    return { replicas, close: async () => undefined };
  });

  it('holds a socket cap across replicas', async () => {
    const counters = new RateLimiterRedis({ storeClient: redis, keyPrefix: runId, points: 1, duration: counterDurationSeconds(30_000) });
    const [a, b] = [createLeaseCounter({ counters, windowMs: 30_000, logger: silent }), createLeaseCounter({ counters, windowMs: 30_000, logger: silent })];
    try {
      assert.ok(await a.acquire('ip-1', 1));
      assert.equal(await b.acquire('ip-1', 1), undefined);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('socket leases over time', () => {
  const windowMs = 30_000;
  let clock: sinon.SinonFakeTimers;
  let counters: RateLimiterMemory;
  const opened: LeaseCounter[] = [];
  const counter = () => {
    const created = createLeaseCounter({ counters, windowMs, logger: silent });
    opened.push(created);
    return created;
  };

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START });
    counters = new RateLimiterMemory({ keyPrefix: 'leases', points: 1, duration: counterDurationSeconds(windowMs) });
  });
  afterEach(() => {
    for (const c of opened.splice(0)) c.close();
    clock.restore();
  });

  it("keeps counting a live replica's leases window after window", async () => {
    const live = counter();
    assert.ok(await live.acquire('visitor', 1));
    await clock.tickAsync(10 * windowMs);
    assert.equal(await counter().acquire('visitor', 1), undefined);
  });

  it("forgets a crashed replica's leases within two windows", async () => {
    const crashed = counter();
    assert.ok(await crashed.acquire('visitor', 1));
    crashed.close(); // it stops renewing and never releases: as if the process died
    const other = counter();
    await clock.tickAsync(windowMs);
    assert.equal(await other.acquire('visitor', 1), undefined, 'still counted in the window it registered ahead');
    await clock.tickAsync(windowMs);
    assert.ok(await other.acquire('visitor', 1));
  });

  it('frees the lease in every window it was registered in when released after a window change', async () => {
    const replica = counter();
    const lease = await replica.acquire('visitor', 1);
    assert.ok(lease);
    await clock.tickAsync(windowMs + 1000); // renewed into the window after next by now
    await lease.release();
    await clock.tickAsync(windowMs);
    assert.ok(await counter().acquire('visitor', 1), 'no registration of the released lease is left behind');
  });
});

describe('web limits', () => {
  let clock: sinon.SinonFakeTimers;
  let buckets: BucketStore;
  let leases: LeaseCounter;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START });
    buckets = createMemoryBucketStore();
    leases = createLeaseCounter({ counters: new RateLimiterMemory({ keyPrefix: 'ws', points: 1, duration: counterDurationSeconds(30_000) }), windowMs: 30_000, logger: silent });
  });
  afterEach(async () => {
    leases.close();
    await buckets.close();
    clock.restore();
  });

  it("refuses a flooding visitor by their own bucket, leaving their address's for the neighbours", async () => {
    const limits = createWebLimits({
      buckets,
      leases,
      messagesPerVisitor: { limit: 2, periodMs: 60_000 },
      messagesPerAddress: { limit: 5, periodMs: 60_000 },
      logger: silent,
    });
    const flood = [];
    for (let i = 0; i < 10; i += 1) flood.push(await limits.admitMessage('flooder', '203.0.113.7'));
    assert.equal(flood.filter((a) => a.ok).length, 2);
    assert.deepEqual(flood[2], { ok: false, scope: 'visitor', retryAfterMs: 30_000 });
    const neighbours = [];
    for (let i = 0; i < 5; i += 1) neighbours.push(await limits.admitMessage(`neighbour-${i}`, '203.0.113.7'));
    assert.deepEqual(neighbours.map((a) => (a.ok ? 'ok' : a.scope)), ['ok', 'ok', 'ok', 'address', 'address']);
    assert.ok((await limits.admitMessage('elsewhere', '198.51.100.1')).ok);
  });

  it('counts sockets per visitor, per address and in total, and frees them on release', async () => {
    const limits = createWebLimits({ buckets, leases, socketsPerVisitor: 2, socketsPerAddress: 3, socketsTotal: 4, logger: silent });
    const tab1 = await limits.admitSocket('v1', '203.0.113.7');
    const tab2 = await limits.admitSocket('v1', '203.0.113.7');
    assert.deepEqual(await limits.admitSocket('v1', '203.0.113.7'), { ok: false, scope: 'visitor' });
    assert.ok((await limits.admitSocket('v2', '203.0.113.7')).ok);
    assert.deepEqual(await limits.admitSocket('v3', '203.0.113.7'), { ok: false, scope: 'address' });
    assert.ok((await limits.admitSocket('v4', '198.51.100.1')).ok);
    assert.deepEqual(await limits.admitSocket('v5', '192.0.2.1'), { ok: false, scope: 'total' });
    assert.ok(tab1.ok && tab2.ok);
    tab1.release();
    tab1.release();
    await clock.tickAsync(0);
    assert.ok((await limits.admitSocket('v1', '203.0.113.7')).ok, 'one freed slot, counted once');
    assert.deepEqual(await limits.admitSocket('v6', '192.0.2.1'), { ok: false, scope: 'total' });
  });

  it('lets messages through when its store is down, logging the outage once a minute', async () => {
    // Fault injection: a real Redis client for a port nobody listens on, queueing nothing, so every command fails.
    const offline = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    offline.on('error', () => undefined);
    const { logger, lines } = createCollectingLogger();
    const limits = createWebLimits({ buckets: createRedisBucketStore(offline), leases, messagesPerVisitor: { limit: 1, periodMs: 60_000 }, logger });
    for (let i = 0; i < 5; i += 1) assert.ok((await limits.admitMessage('v1', '203.0.113.7')).ok);
    assert.equal(lines.filter((l) => l.includes('web limits unavailable')).length, 1);
    clock.tick(60_000);
    await limits.admitMessage('v1', '203.0.113.7');
    const logged = lines.filter((l) => l.includes('web limits unavailable'));
    assert.equal(logged.length, 2);
    assert.match(logged[1] ?? '', /"failures":5/);
    offline.disconnect();
  });
});
