/**
 * Opens the limits' shared store and builds every limit from the configuration: Redis when REDIS_URL is set,
 * else PostgreSQL when DATABASE_URL is (the replicas' database, in tables of its own), else this process's
 * memory (the embedded SQLite deployment is one process).
 */
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitsConfig } from '../config.js';
import { counterDurationSeconds, createLeaseCounter } from './lease-counter.js';
import { createMemoryBucketStore } from './memory-bucket-store.js';
import { createModelCallBudget, type ModelCallBudget } from './model-call-budget.js';
import { createPostgresBucketStore } from './postgres-bucket-store.js';
import { createRedisBucketStore } from './redis-bucket-store.js';
import type { BucketStore, TokenBucketRule } from './token-bucket.js';
import { createWebLimits, type WebLimits } from './web-limits.js';

export { withModelCallBudget } from './model-call-budget.js';

export interface OpenLimitsOptions {
  limits: LimitsConfig;
  databaseUrl: string | undefined;
  logger: Logger;
  /** The lease window of socket counts: a dead replica's sockets stop counting within two. Default 30 s. */
  leaseWindowMs?: number;
}

export interface Limits {
  web: WebLimits;
  modelCalls: ModelCallBudget;
  /** Where the limits are kept, for the start-up log. */
  store: 'redis' | 'postgresql' | 'memory';
  close(): Promise<void>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

interface Backend {
  store: Limits['store'];
  buckets: BucketStore;
  counters: RateLimiterAbstract;
  close(): Promise<void>;
}

const perPeriod = (limit: number | undefined, periodMs: number): TokenBucketRule | undefined =>
  limit === undefined ? undefined : { limit, periodMs };

export async function openLimits(options: OpenLimitsOptions): Promise<Limits> {
  const { limits, logger } = options;
  const windowMs = options.leaseWindowMs ?? 30_000;
  const backend = await openBackend(options, counterDurationSeconds(windowMs));
  const leases = createLeaseCounter({ counters: backend.counters, windowMs, logger });
  const web = createWebLimits({
    buckets: backend.buckets,
    leases,
    messagesPerVisitor: perPeriod(limits.webMessagesPerVisitorPerMinute, MINUTE_MS),
    messagesPerAddress: perPeriod(limits.webMessagesPerIpPerMinute, MINUTE_MS),
    socketsPerVisitor: limits.webSocketsPerVisitor,
    socketsPerAddress: limits.webSocketsPerIp,
    socketsTotal: limits.webSocketsTotal,
    logger,
  });
  const modelCalls = createModelCallBudget(backend.buckets, perPeriod(limits.llmCallsPerConversationPerHour, HOUR_MS), logger);
  return {
    web,
    modelCalls,
    store: backend.store,
    async close() {
      leases.close();
      await backend.close();
    },
  };
}

async function openBackend({ limits, databaseUrl, logger }: OpenLimitsOptions, duration: number): Promise<Backend> {
  const counterOptions = { keyPrefix: 'switchboard_leases', points: 1, duration };
  if (limits.redisUrl) {
    // Connect now, so a wrong REDIS_URL stops start-up instead of hanging the first request.
    // Imported only when used, like pg below: the clients cost a SQLite-only start about 0.2 s to load.
    const { Redis } = await import('ioredis');
    const redis = new Redis(limits.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    redis.on('error', (error: unknown) => logger.warn({ err: error }, 'redis connection error'));
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`REDIS_URL: cannot connect (${error instanceof Error ? error.message : String(error)}): start Redis there, fix the URL, or unset REDIS_URL`, { cause: error });
    }
    return {
      store: 'redis',
      buckets: createRedisBucketStore(redis),
      counters: new RateLimiterRedis({ ...counterOptions, storeClient: redis }),
      close: async () => {
        await redis.quit();
      },
    };
  }
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    // An idle client losing its connection (a database restart) emits 'error' on the pool; unhandled, it would
    // crash the process, as the store's pool would without its listener.
    pool.on('error', (error) => logger.error({ err: error }, 'limits: idle PostgreSQL connection failed'));
    const buckets = await createPostgresBucketStore(pool, logger);
    const counters = await new Promise<RateLimiterPostgres>((resolve, reject) => {
      const limiter: RateLimiterPostgres = new RateLimiterPostgres(
        { ...counterOptions, storeClient: pool, tableName: 'limit_leases' },
        (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(limiter)),
      );
    });
    return {
      store: 'postgresql',
      buckets,
      counters,
      close: async () => {
        await buckets.close();
        await pool.end();
      },
    };
  }
  const buckets = createMemoryBucketStore();
  return { store: 'memory', buckets, counters: new RateLimiterMemory(counterOptions), close: () => buckets.close() };
}
