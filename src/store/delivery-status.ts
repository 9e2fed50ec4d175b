/**
 * The order of an outbound message's delivery states. Channels report them by callbacks that can arrive out of
 * order (Twilio posts each from a different machine): a late "sent" must not overwrite "delivered". A state
 * only moves forward — pending < queued < sent < delivered < read — and failed/undelivered end the line.
 * See https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
 */
import type { DeliveryStatus } from './store.js';

const PROGRESS: readonly DeliveryStatus[] = ['pending', 'queued', 'sent', 'delivered', 'read'];
const TERMINAL_FAILURES: ReadonlySet<DeliveryStatus> = new Set(['failed', 'undelivered']);

/**
 * The states `next` may replace. A failure replaces only states before delivery (a message reported delivered
 * did reach the customer); nothing replaces a failure.
 */
export function deliveryStatusesReplacedBy(next: DeliveryStatus): DeliveryStatus[] {
  if (TERMINAL_FAILURES.has(next)) return PROGRESS.slice(0, PROGRESS.indexOf('delivered'));
  return PROGRESS.slice(0, PROGRESS.indexOf(next));
}
