/**
 * What channels report about deliveries, in Switchboard's own terms. Adapters translate their provider's
 * answers, error codes and callbacks into these; the delivery policy (delivery-policy.ts) decides what the system
 * does about them. A failed send is a {@link ChannelError} (retryable or not, with the provider's code and,
 * where it matters, a {@link RefusalReason}); an accepted one resolves with the provider's id.
 */
import type { Channel } from '../model.js';
import type { DeliveryStatus } from '../store/store.js';

/** Why a channel refused a message for good, when the reason calls for more than a dead letter. */
export type RefusalReason =
  /** The recipient unsubscribed (e.g. replied STOP to SMS): only compliance replies may still reach them. */
  | 'recipient_opted_out'
  /** The channel's customer-service window is closed (WhatsApp's 24 hours) and the message has no way through. */
  | 'window_closed';

/** A provider's later word on a message it accepted (e.g. a Twilio status callback). */
export interface DeliveryStatusReport {
  /** The provider's id of the message, as the send resolved with it. */
  providerId: string;
  /** The channels the id may belong to (a callback does not always say). */
  channels: readonly Channel[];
  status: DeliveryStatus;
  /** The outbox row the message carries, when the channel tied its callbacks to it. */
  outboxId?: number;
  /**
   * The provider dropped the message after accepting it because the window had closed. `resendRef`, when the
   * channel has one, is the address `ref` that sends the same text anyway (e.g. as an approved template).
   */
  windowClosed?: { resendRef?: unknown };
}

/** Where an adapter hands its status reports. */
export type ReportDelivery = (report: DeliveryStatusReport) => Promise<void>;
