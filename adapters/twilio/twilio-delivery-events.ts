/**
 * What happens after a send: status callbacks update the stored delivery state (and settle a row whose create
 * answer never reached us), a WhatsApp 63016 ("outside the 24-hour window") is retried once as the template or
 * held for staff, and a dead-lettered 21610 marks the customer opted out so nothing else is attempted.
 */
import type { Logger } from 'pino';
import type { Channel } from '../../src/model.js';
import type { OutboxItem, Store } from '../../src/store/store.js';
import { ChannelError } from '../../src/errors.js';
import { OPTED_OUT, TWILIO_OUTSIDE_WINDOW, TWILIO_UNSUBSCRIBED, WHATSAPP_WINDOW_CLOSED } from './twilio-errors.js';
import type { StatusUpdate } from './twilio-status.js';
import type { TwilioRef } from './whatsapp-window.js';
import type { Outbox } from '../../src/outbox/outbox.js';

/** A WhatsApp message that could not go out because the window is closed and no template is configured. */
export interface HeldMessage {
  conversationId: number;
  messageId: number;
  channel: Channel;
  addressId: string;
  reason: typeof WHATSAPP_WINDOW_CLOSED | typeof TWILIO_OUTSIDE_WINDOW;
}

export type DeliveryEventsStore = Pick<
  Store,
  'setDeliveryStatus' | 'getConversation' | 'listMessages' | 'findCustomer' | 'setOptedOut' | 'settleOutboxAccepted'
>;

export interface DeliveryEventsOptions {
  store: DeliveryEventsStore;
  logger: Logger;
  whatsappTemplateSid: string | undefined;
  outbox: Pick<Outbox, 'enqueue'>;
  /** Tells staff about a held message; defaults to a warning in the log. */
  onHeld?: (held: HeldMessage) => Promise<void>;
  now?: () => Date;
}

export interface DeliveryEvents {
  onStatus(update: StatusUpdate): Promise<void>;
  /**
   * Acts on a dead letter the channel has its own answer for; true when it did (the customer opted out, the
   * message is held for staff), false when the failure is for someone to look at.
   */
  onDeadLetter(item: OutboxItem, error: unknown): Promise<boolean>;
}

export function createDeliveryEvents(options: DeliveryEventsOptions): DeliveryEvents {
  const { store, logger } = options;
  const onHeld =
    options.onHeld ??
    (async (held: HeldMessage) => {
      // Ids only: the customer's number stays out of the log.
      logger.warn({ conversationId: held.conversationId, messageId: held.messageId, channel: held.channel, reason: held.reason }, 'WhatsApp message held for staff: the 24-hour window is closed and no template is set');
    });

  async function retryAsTemplate(messageId: number, conversationId: number): Promise<void> {
    const conversation = await store.getConversation(conversationId);
    if (!conversation) return;
    const [failed, ...later] = await store.listMessages(conversationId, { after: messageId - 1 });
    if (!failed || failed.id !== messageId || failed.author === 'customer') return;
    // A redelivered callback must not queue the template twice.
    if (later.some((m) => m.direction === 'out' && m.text === failed.text)) return;
    if (!options.whatsappTemplateSid) {
      await onHeld({ conversationId, messageId, channel: 'whatsapp', addressId: conversation.addressId, reason: TWILIO_OUTSIDE_WINDOW });
      return;
    }
    const ref: TwilioRef = { template: true };
    await options.outbox.enqueue(
      conversation,
      [{ author: failed.author, text: failed.text, ...(failed.agentName ? { agentName: failed.agentName } : {}) }],
      { channel: 'whatsapp', id: conversation.addressId, ref },
    );
  }

  const now = options.now ?? (() => new Date());

  return {
    async onStatus(update) {
      const { status } = update;
      if (!status) return;
      /** Records the state on our message with this SID; false when we have none. */
      const apply = async (): Promise<boolean> => {
        for (const channel of update.channels) {
          const message = await store.setDeliveryStatus(channel, update.messageSid, status);
          if (!message) continue;
          logger.debug({ messageId: message.id, status, errorCode: update.errorCode }, 'delivery status');
          if (channel === 'whatsapp' && update.errorCode === TWILIO_OUTSIDE_WINDOW) {
            await retryAsTemplate(message.id, message.conversationId);
          }
          return true;
        }
        return false;
      };
      if (await apply()) return;
      // Twilio created the message although no attempt recorded it (the answer to the create was lost or came
      // too late): the row is settled now instead of being sent again, and then takes the state.
      if (update.outboxId !== undefined && (await store.settleOutboxAccepted(update.outboxId, update.messageSid, now()))) {
        logger.info({ outboxId: update.outboxId, status }, 'delivery settled by its status callback');
        await apply();
      }
    },

    async onDeadLetter(item, error) {
      if (!(error instanceof ChannelError)) return false;
      const { to } = item.payload;
      if (error.providerCode === TWILIO_UNSUBSCRIBED) {
        const customer = await store.findCustomer(to.channel, to.id);
        if (customer && !customer.optedOut) {
          await store.setOptedOut(customer.id, true);
          logger.info({ customerId: customer.id, channel: to.channel }, 'Twilio reports the recipient opted out (21610)');
        }
        return true;
      }
      if (error.providerCode === WHATSAPP_WINDOW_CLOSED) {
        await onHeld({
          conversationId: item.conversationId,
          messageId: item.messageId,
          channel: to.channel,
          addressId: to.id,
          reason: WHATSAPP_WINDOW_CLOSED,
        });
        return true;
      }
      // Refused because the customer opted out: as it should be.
      return error.providerCode === OPTED_OUT;
    },
  };
}
