/**
 * Carries out what the delivery policy (delivery-policy.ts) decides about dead letters and status reports: marks
 * a customer opted out, queues a held message again the way the channel said it can go, pages the staff desk
 * (or logs, without one), and records the delivery states channels report. The outbox worker hands it its dead
 * letters; adapters hand it their status reports.
 */
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Message, OutboxItem, Store } from '../store/store.js';
import type { HumanDesk } from '../engine/engine.js';
import type { EscalationReason } from '../engine/decide.js';
import { escalateConversation } from '../engine/escalate-conversation.js';
import type { Outbox } from '../outbox/outbox.js';
import { ChannelError } from '../errors.js';
import type { DeliveryStatusReport } from './delivery-outcome.js';
import { decideDeadLetter, decideWindowClosed } from './delivery-policy.js';

export interface DeliveryFollowUpOptions {
  store: Pick<Store, 'setDeliveryStatus' | 'settleOutboxAccepted' | 'getConversation' | 'getCustomer' | 'listMessages' | 'findCustomer' | 'setOptedOut'>;
  /** Where a held message is queued again. */
  outbox: Pick<Outbox, 'enqueue'>;
  /** The staff desk, when one is configured; without it, what would page staff is logged. */
  desk?: Pick<HumanDesk, 'escalate'> | undefined;
  logger: Logger;
  metrics?: Pick<Metrics, 'deadLettered'>;
  now?: () => Date;
}

export interface DeliveryFollowUp {
  /** For the outbox worker: a row refused for good (`dead`) or past its retry window (`expired`). */
  onDeadLetter(item: OutboxItem, error: unknown, status: 'dead' | 'expired'): Promise<void>;
  /** For adapters: a provider's later word on a message it accepted. */
  report(report: DeliveryStatusReport): Promise<void>;
}

export function createDeliveryFollowUp(options: DeliveryFollowUpOptions): DeliveryFollowUp {
  const { store, logger, desk } = options;
  const now = options.now ?? (() => new Date());

  async function page(conversationId: number, reason: EscalationReason, detail?: string): Promise<void> {
    if (desk) {
      await escalateConversation(store, desk, conversationId, reason, { detail });
      return;
    }
    // Ids only: the customer's address stays out of the log. A failed delivery was logged by the outbox already.
    if (reason === 'delivery_held') logger.warn({ conversationId }, 'message held for staff: the reply window is closed and the channel has no template for it');
  }

  async function markOptedOut(item: OutboxItem, error: unknown): Promise<void> {
    const { to } = item.payload;
    const customer = await store.findCustomer(to.channel, to.id);
    if (!customer || customer.optedOut) return;
    await store.setOptedOut(customer.id, true);
    logger.info({ customerId: customer.id, channel: to.channel, providerCode: error instanceof ChannelError ? error.providerCode : undefined }, 'the channel reports the recipient opted out');
  }

  /** The message with this id, unless a redelivered report already had it queued again. */
  async function reportedMessage(messageId: number, conversationId: number): Promise<Message | undefined> {
    const [message, ...later] = await store.listMessages(conversationId, { after: messageId - 1 });
    if (!message || message.id !== messageId) return undefined;
    // A redelivered report must not queue the message twice.
    if (later.some((m) => m.direction === 'out' && m.text === message.text)) return undefined;
    return message;
  }

  async function onWindowClosed(messageId: number, conversationId: number, windowClosed: NonNullable<DeliveryStatusReport['windowClosed']>): Promise<void> {
    const conversation = await store.getConversation(conversationId);
    const message = conversation && (await reportedMessage(messageId, conversationId));
    if (!conversation || !message || message.author === 'customer') return;
    const decision = decideWindowClosed(windowClosed);
    if (decision.action === 'page_desk') {
      await page(conversationId, decision.reason);
      return;
    }
    await options.outbox.enqueue(
      conversation,
      [{ author: message.author, text: message.text, ...(message.agentName ? { agentName: message.agentName } : {}) }],
      { channel: message.channel, id: conversation.addressId, ref: decision.ref },
    );
  }

  return {
    async onDeadLetter(item, error, status) {
      options.metrics?.deadLettered(item.channel);
      const decision = decideDeadLetter(error, status);
      if (decision.action === 'mark_opted_out') await markOptedOut(item, error);
      else await page(item.conversationId, decision.reason, decision.reason === 'delivery_failed' ? decision.detail : undefined);
    },

    async report(report) {
      /** Records the state on our message with this provider id; false when we have none. */
      const apply = async (): Promise<boolean> => {
        for (const channel of report.channels) {
          const message = await store.setDeliveryStatus(channel, report.providerId, report.status);
          if (!message) continue;
          logger.debug({ messageId: message.id, status: report.status }, 'delivery status');
          if (report.windowClosed) await onWindowClosed(message.id, message.conversationId, report.windowClosed);
          return true;
        }
        return false;
      };
      if (await apply()) return;
      // The provider accepted the message although no attempt recorded it (the answer to the send was lost or
      // came too late): the row is settled now instead of being sent again, and then takes the state.
      if (report.outboxId !== undefined && (await store.settleOutboxAccepted(report.outboxId, report.providerId, now()))) {
        logger.info({ outboxId: report.outboxId, status: report.status }, 'delivery settled by its status report');
        await apply();
      }
    },
  };
}
