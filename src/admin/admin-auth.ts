/**
 * Bearer-token authentication for the staff-only admin API. The token is compared in constant time over SHA-256
 * digests (equal length whatever was sent), so neither timing nor length tells an attacker how close a guess was.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { createRefusalLog } from '../refusal-log.js';

export interface AdminAuthOptions {
  /** The configured ADMIN_TOKEN. */
  token: string;
  logger: Logger;
}

const BEARER = /^Bearer ([^\s]+)$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Express middleware: passes requests carrying `Authorization: Bearer <token>`, answers anything else with 401. */
export function createAdminAuth(options: AdminAuthOptions): RequestHandler {
  const expected = digest(options.token);
  // A guessing run is one line a minute per address, with the count, not one line per guess.
  const refusals = createRefusalLog({ logger: options.logger });
  return (req, res, next) => {
    const header = req.get('authorization');
    const presented = header === undefined ? undefined : BEARER.exec(header)?.[1];
    const reason = header === undefined ? 'missing bearer token' : presented === undefined ? 'malformed authorization header' : undefined;
    if (reason === undefined && presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    const why = reason ?? 'wrong bearer token';
    // Neither the presented value (a near-miss is often the real token with a typo) nor the path (it holds the
    // customer's address) is logged.
    refusals.refused('admin token', req.ip, { method: req.method, reason: why }, 'admin request refused');
    // RFC 6750 §3: a 401 for a bearer-protected resource names the scheme.
    res.status(401).set('WWW-Authenticate', 'Bearer realm="switchboard-admin"').json({ error: why });
  };
}
