/**
 * The delivery policy: what the system does about each outcome a channel reports. Pure decisions only — the
 * outbox worker applies the retry decision to its row, and the delivery follow-up (delivery-follow-up.ts)
 * carries out what a dead letter or a status report calls for. Adapters never decide any of this.
 */
import { ChannelError } from '../errors.js';
import { OutcomeUnknownError } from '../outbox/delivery-attempt.js';
import { backoffDelay, type BackoffOptions } from '../outbox/backoff.js';
import type { DeliveryStatusReport } from './delivery-outcome.js';

export interface FailedAttempt {
  error: unknown;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** When the row's first failure happened; undefined when this is its first. */
  failingSince: Date | undefined;
  now: Date;
}

export interface RetryRules {
  /** How long transient failures are retried (OUTBOX_RETRY_HOURS). */
  retryWindowMs: number;
  /** An attempt's time limit: a send whose outcome is unknown gets as long again to answer late. */
  sendTimeoutMs: number;
  backoff: BackoffOptions;
  random?: () => number;
}

export type FailureDecision =
  | { action: 'retry'; delayMs: number; outcomeUnknown: boolean }
  /** `dead`: refused for good; `expired`: still failing when the retry window closed. */
  | { action: 'dead_letter'; status: 'dead' | 'expired' };

/** Retry or dead-letter a failed attempt. */
export function decideFailure(failed: FailedAttempt, rules: RetryRules): FailureDecision {
  const { error } = failed;
  // Unknown errors are treated as transient: a bug or an outage should not silently drop a reply.
  const retryable = error instanceof ChannelError ? error.retryable : true;
  if (!retryable) return { action: 'dead_letter', status: 'dead' };
  const failingSince = failed.failingSince ?? failed.now;
  if (failed.now.getTime() - failingSince.getTime() >= rules.retryWindowMs) return { action: 'dead_letter', status: 'expired' };
  // A channel that says when it can take more (Retry-After) is not asked sooner than that. A send whose outcome
  // is unknown gets as long again to answer late (and be recorded) before the retry looks for it.
  const retryAfter = error instanceof ChannelError ? (error.retryAfterMs ?? 0) : 0;
  const outcomeUnknown = error instanceof OutcomeUnknownError;
  const delayMs = Math.max(backoffDelay(failed.attempts, rules.backoff, rules.random), retryAfter, outcomeUnknown ? rules.sendTimeoutMs : 0);
  return { action: 'retry', delayMs, outcomeUnknown };
}

export type DeadLetterDecision =
  /** The channel says the customer unsubscribed: record it, so nothing but compliance replies is attempted again. */
  | { action: 'mark_opted_out' }
  /** The message waits for a person (a closed window with no template); staff are paged, or it is logged. */
  | { action: 'page_desk'; reason: 'delivery_held' }
  /** Anything else leaves a customer without a reply: staff are paged with what happened. */
  | { action: 'page_desk'; reason: 'delivery_failed'; detail: string };

/** What a dead letter calls for beyond its row. */
export function decideDeadLetter(error: unknown, status: 'dead' | 'expired'): DeadLetterDecision {
  const refusal = error instanceof ChannelError ? error.refusal : undefined;
  if (refusal === 'recipient_opted_out') return { action: 'mark_opted_out' };
  if (refusal === 'window_closed') return { action: 'page_desk', reason: 'delivery_held' };
  const code = error instanceof ChannelError && error.providerCode ? ` (${error.providerCode})` : '';
  return { action: 'page_desk', reason: 'delivery_failed', detail: status === 'expired' ? 'undelivered for OUTBOX_RETRY_HOURS' : `refused${code}` };
}

export type WindowClosedDecision = { action: 'resend'; ref: unknown } | { action: 'page_desk'; reason: 'delivery_held' };

/** A message the provider dropped because the window had closed: sent again another way, or held for staff. */
export function decideWindowClosed(windowClosed: NonNullable<DeliveryStatusReport['windowClosed']>): WindowClosedDecision {
  return windowClosed.resendRef === undefined ? { action: 'page_desk', reason: 'delivery_held' } : { action: 'resend', ref: windowClosed.resendRef };
}
