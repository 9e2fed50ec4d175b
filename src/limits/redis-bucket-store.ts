/**
 * Token buckets in Redis (REDIS_URL), shared by every replica: one Lua script does the GCRA step atomically
 * and lets the key expire when the bucket is full again. The clock is the caller's, so every replica agrees
 * as long as their clocks roughly do (a skew of a few ms is a few ms of tolerance).
 */
import type { Redis } from 'ioredis';
import { emissionIntervalMs, type BucketStore } from './token-bucket.js';

/** KEYS[1] bucket; ARGV now, interval, limit (whole ms). Returns 0 when taken, else the ms to wait. */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local ahead = tat + interval - now - interval * tonumber(ARGV[3])
if ahead > 0 then return ahead end
redis.call('SET', KEYS[1], tat + interval, 'PX', tat + interval - now)
return 0`;

/** Keys are `<prefix><bucket>` so one Redis can serve several deployments. */
export function createRedisBucketStore(redis: Redis, prefix = 'switchboard:bucket:'): BucketStore {
  redis.defineCommand('switchboardTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const take = (redis as Redis & { switchboardTakeToken(key: string, ...args: number[]): Promise<number> }).switchboardTakeToken.bind(redis);
  return {
    async take(key, rule) {
      const wait = await take(`${prefix}${key}`, Date.now(), emissionIntervalMs(rule), rule.limit);
      return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
    },
    // The connection belongs to whoever opened it.
    async close() {},
  };
}
