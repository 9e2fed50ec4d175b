/**
 * The public web channel's limits: how fast a visitor, and everyone behind one address, may send messages
 * (token buckets), and how many WebSockets a visitor, an address and this replica hold at once (leases).
 * The buckets and per-visitor / per-address leases live in the shared store, so they hold across replicas;
 * the total is this process's own ceiling on memory and file descriptors.
 */
import type { Logger } from 'pino';
import type { LeaseCounter } from './lease-counter.js';
import type { BucketStore, TokenBucketRule } from './token-bucket.js';

/** Which limit refused: the visitor's own, or the one shared by everyone at the visitor's address. */
export type LimitScope = 'visitor' | 'address';

export type MessageAdmission = { ok: true } | { ok: false; scope: LimitScope; retryAfterMs: number };

export type SocketAdmission = { ok: true; release(): void } | { ok: false; scope: LimitScope | 'total' };

export interface WebLimits {
  /** Takes a token from the visitor's bucket, then from the address's. */
  admitMessage(visitorId: string, address: string): Promise<MessageAdmission>;
  /** Takes a socket lease for the visitor, the address and the process; `release` when the socket closes. */
  admitSocket(visitorId: string, address: string): Promise<SocketAdmission>;
}

/** Every limit is optional: unset means unlimited (a business sets 0 in the environment to turn one off). */
export interface WebLimitsOptions {
  buckets: BucketStore;
  leases: LeaseCounter;
  messagesPerVisitor?: TokenBucketRule | undefined;
  messagesPerAddress?: TokenBucketRule | undefined;
  socketsPerVisitor?: number | undefined;
  socketsPerAddress?: number | undefined;
  socketsTotal?: number | undefined;
  logger: Logger;
}

/** A store that cannot answer is logged at most this often; meanwhile requests are let through. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

export function createWebLimits(options: WebLimitsOptions): WebLimits {
  const { buckets, leases, logger } = options;
  let openSockets = 0;
  let failures = 0;
  let lastFailureLog = -Infinity;

  // Limits protect the service; when their store is down, refusing every visitor would be the outage itself.
  function failOpen(error: unknown): void {
    failures += 1;
    if (Date.now() - lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    lastFailureLog = Date.now();
    logger.error({ err: error, failures }, 'web limits unavailable; letting requests through');
    failures = 0;
  }

  async function take(key: string, rule: TokenBucketRule | undefined, scope: LimitScope): Promise<MessageAdmission> {
    if (!rule) return { ok: true };
    const result = await buckets.take(key, rule);
    return result.allowed ? { ok: true } : { ok: false, scope, retryAfterMs: result.retryAfterMs };
  }

  return {
    async admitMessage(visitorId, address) {
      try {
        // The visitor's own bucket first: one flooding visitor is refused without draining their neighbours'.
        const visitor = await take(`web:msg:visitor:${visitorId}`, options.messagesPerVisitor, 'visitor');
        if (!visitor.ok) return visitor;
        return await take(`web:msg:ip:${address}`, options.messagesPerAddress, 'address');
      } catch (error) {
        failOpen(error);
        return { ok: true };
      }
    },

    async admitSocket(visitorId, address) {
      if (options.socketsTotal !== undefined && openSockets >= options.socketsTotal) return { ok: false, scope: 'total' };
      openSockets += 1;
      const held: { release(): Promise<void> }[] = [];
      let closed = false;
      const release = () => {
        if (closed) return;
        closed = true;
        openSockets -= 1;
        for (const lease of held) lease.release().catch(failOpen);
      };
      try {
        for (const [key, max, scope] of [
          [`web:ws:visitor:${visitorId}`, options.socketsPerVisitor, 'visitor'],
          [`web:ws:ip:${address}`, options.socketsPerAddress, 'address'],
        ] as const) {
          if (max === undefined) continue;
          const lease = await leases.acquire(key, max);
          if (!lease) {
            release();
            return { ok: false, scope };
          }
          held.push(lease);
        }
      } catch (error) {
        failOpen(error);
      }
      return { ok: true, release };
    },
  };
}
