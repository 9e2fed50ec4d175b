/**
 * The contract between the outbox and a channel for one delivery attempt: what the channel is told about the
 * row, and how it says that an attempt may have reached the provider although no answer came back.
 */
import { ChannelError } from '../errors.js';
import type { Outbound, SendProgress } from '../model.js';

/**
 * What the outbox hands a channel with each attempt. The fields beyond {@link SendProgress} are optional so a
 * channel stays callable with a plain `SendProgress`; the outbox always sets them.
 */
export interface DeliveryAttempt extends SendProgress {
  /** The outbox row: a channel may tie the provider's status callbacks to it. */
  readonly outboxId?: number;
  /**
   * Set when an earlier attempt may have reached the provider unrecorded (its worker died or stalled, it timed
   * out, the connection broke after sending). A channel that can look its sent messages up does so, from this
   * time on, before sending the first part not yet recorded; one that cannot sends again.
   */
  readonly outcomeUnknownSince?: Date;
}

/** What the outbox needs of a channel. Every {@link ChannelAdapter} fits. */
export interface OutboxChannel {
  send(message: Outbound, attempt: DeliveryAttempt): Promise<{ providerId: string }>;
}

/**
 * A retryable failure after which the provider may nevertheless have accepted the message: the request was sent
 * but no answer came (a timeout, a connection reset). The outbox records the outcome as unknown.
 */
export class OutcomeUnknownError extends ChannelError {
  constructor(message: string, providerCode?: string, options?: { cause?: unknown }) {
    super(message, true, providerCode, options);
  }
}
