/**
 * Coded errors, one class per failure, with one mapping to an HTTP status. Everything we throw across a
 * module boundary is one of these, so callers branch on `code`, never on message text.
 */
import type { RefusalReason } from './delivery/delivery-outcome.js';

export class SwitchboardError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A start-up configuration problem; its message names the variable and the fix. */
export class ConfigError extends SwitchboardError {
  constructor(message: string) {
    super('config_invalid', message);
  }
}

/** A request body or query that failed validation; answered with 400 and the reason. */
export class BadRequestError extends SwitchboardError {
  constructor(message: string) {
    super('bad_request', message);
  }
}

/** A webhook whose signature is missing (400) or wrong (403). Nothing of it is stored. */
export class SignatureError extends SwitchboardError {
  constructor(
    readonly reason: 'missing' | 'invalid' | 'expired',
    message: string,
  ) {
    super(`signature_${reason}`, message);
  }
}

/** An authenticated request asking for what its credentials do not cover (403); nothing of it is stored. */
export class ForbiddenError extends SwitchboardError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/**
 * A channel API refused or failed a delivery. `retryable` decides between backoff and the dead letter;
 * `providerCode` keeps the vendor's own error code (e.g. Twilio 21610) for staff; `refusal` is the channel's
 * translation of that code when the delivery policy has more to do than dead-letter (see src/delivery/);
 * `retryAfterMs` is the channel's own word on when to try again (an HTTP Retry-After), which the outbox honours.
 */
export class ChannelError extends SwitchboardError {
  readonly retryAfterMs: number | undefined;
  readonly refusal: RefusalReason | undefined;

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly providerCode?: string,
    options?: { cause?: unknown; retryAfterMs?: number; refusal?: RefusalReason },
  ) {
    super(retryable ? 'channel_retryable' : 'channel_permanent', message, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.refusal = options?.refusal;
  }
}

/** An HTTP Retry-After header (delta-seconds or an HTTP date) in milliseconds from `now`; undefined if absent or bad. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The `type` express's body parsers put on their errors ('entity.parse.failed', 'entity.too.large',
 * 'encoding.unsupported', …), so each route can answer them in its own wire format; undefined for other errors.
 * A body whose Content-Encoding does not decode (marked gzip but not gzip) comes as zlib's error made a bare
 * 400 without a `type`: to every route that is a body which does not parse.
 */
export function bodyParserErrorType(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('type' in error) return typeof error.type === 'string' ? error.type : undefined;
  return 'status' in error && error.status === 400 ? 'entity.parse.failed' : undefined;
}

export function httpStatusOf(error: unknown): number {
  if (error instanceof BadRequestError) return 400;
  if (error instanceof SignatureError) return error.reason === 'missing' ? 400 : 403;
  if (error instanceof ForbiddenError) return 403;
  return 500;
}
