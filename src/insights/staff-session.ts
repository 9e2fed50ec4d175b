/**
 * The insights page's sign-in: staff type ADMIN_TOKEN once and get a session cookie. The cookie is stateless —
 * its expiry signed with a key derived from the token (HMAC-SHA256) — so every replica accepts it, changing the
 * token signs everyone out, and nothing about the token itself leaves the server.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'switchboard_insights';
/** A working day; then staff sign in again. */
export const SESSION_MS = 8 * 60 * 60 * 1000;

export interface StaffSessions {
  /** Whether a presented token is ADMIN_TOKEN (constant time over digests, whatever its length). */
  tokenMatches(presented: string): boolean;
  /** A cookie value valid until `now + SESSION_MS`. */
  issue(now: Date): string;
  valid(cookie: string | undefined, now: Date): boolean;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function createStaffSessions(token: string): StaffSessions {
  const expected = digest(token);
  const key = createHmac('sha256', token).update('switchboard insights session').digest();
  const sign = (expires: string): Buffer => createHmac('sha256', key).update(expires).digest();
  return {
    tokenMatches: (presented) => timingSafeEqual(digest(presented), expected),
    issue(now) {
      const expires = String(now.getTime() + SESSION_MS);
      return `${expires}.${sign(expires).toString('base64url')}`;
    },
    valid(cookie, now) {
      const [expires, signature, ...rest] = (cookie ?? '').split('.');
      if (expires === undefined || signature === undefined || rest.length > 0 || !/^\d{1,15}$/.test(expires)) return false;
      const presented = Buffer.from(signature, 'base64url');
      const wanted = sign(expires);
      return presented.length === wanted.length && timingSafeEqual(presented, wanted) && Number(expires) > now.getTime();
    },
  };
}

/** The value of one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
