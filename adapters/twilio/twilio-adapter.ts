/**
 * SMS and WhatsApp through Twilio: composes the webhooks, the sender and the delivery events into one
 * {@link TwilioAdapter}. One object serves both channels; the service registers it under each configured one.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Channel, ChannelAdapter, Outbound, Receive } from '../../src/model.js';
import type { OutboxItem, Store } from '../../src/store/store.js';
import type { DeliveryAttempt } from '../../src/outbox/delivery-attempt.js';
import { createTwilioClient } from './twilio-client.js';
import { createTwilioSender } from './twilio-sender.js';
import { createTwilioRouter } from './twilio-routes.js';
import { createDeliveryEvents, type DeliveryEventsStore, type HeldMessage } from './twilio-delivery-events.js';
import { publicWebhookUrl } from './twilio-signature.js';
import type { PersonLabel } from '../../src/person-label.js';
import type { Outbox } from '../../src/outbox/outbox.js';

export type { HeldMessage } from './twilio-delivery-events.js';

export interface TwilioAdapterOptions {
  accountSid: string;
  authToken: string;
  /** The https origin Twilio calls, e.g. https://support.example.com. */
  publicUrl: string;
  /** Base URL of the REST API when not https://api.twilio.com (an edge, a proxy, a test server). */
  apiUrl?: string;
  /** SMS sender: an E.164 number or a Messaging Service SID (MG…). Enables the `sms` channel. */
  smsFrom?: string;
  /** WhatsApp sender number. Enables the `whatsapp` channel. */
  whatsappFrom?: string;
  /** Template sent when the WhatsApp 24-hour window is closed; its variable {{1}} gets the text. */
  whatsappTemplateSid?: string;
  store: DeliveryEventsStore & Pick<Store, 'getConversation' | 'findCustomer' | 'findOutbound'>;
  logger: Logger;
  /** Where a message is queued again as the template (WhatsApp's window closed). */
  outbox: Pick<Outbox, 'enqueue'>;
  onHeld?: (held: HeldMessage) => Promise<void>;
  /** Labels an agent's message as from a person, in the conversation's language. */
  personLabel: PersonLabel;
  timeoutMs?: number;
  now?: () => Date;
}

export interface TwilioAdapter extends ChannelAdapter {
  /** The customer channels this adapter delivers to, per the configured senders. */
  readonly channels: readonly Channel[];
  /** Takes what the outbox knows of the attempt: the row (for status callbacks) and an earlier unknown outcome. */
  send(message: Outbound, attempt?: DeliveryAttempt): Promise<{ providerId: string }>;
  /**
   * For the outbox worker's `onDeadLetter`: 21610 opts the customer out, a closed window is held for staff. True
   * when the channel had its own answer; false when the failure is for staff to look at.
   */
  onDeadLetter(item: OutboxItem, error: unknown): Promise<boolean>;
}

export function createTwilioAdapter(options: TwilioAdapterOptions): TwilioAdapter {
  const { store } = options;
  const logger = options.logger.child({ channel: 'twilio' });
  const channels: Channel[] = [...(options.smsFrom ? ['sms' as const] : []), ...(options.whatsappFrom ? ['whatsapp' as const] : [])];
  if (channels.length === 0) throw new RangeError('createTwilioAdapter needs smsFrom or whatsappFrom');

  const client = createTwilioClient({
    accountSid: options.accountSid,
    authToken: options.authToken,
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const sender = createTwilioSender({
    client,
    smsFrom: options.smsFrom,
    whatsappFrom: options.whatsappFrom,
    whatsappTemplateSid: options.whatsappTemplateSid,
    statusCallbackUrl: publicWebhookUrl(options.publicUrl, '/twilio/status'),
    lastInboundAt: async (conversationId) => (await store.getConversation(conversationId))?.lastInboundAt,
    personLabel: options.personLabel,
    isOptedOut: async (outbound: Outbound) => (await store.findCustomer(outbound.to.channel, outbound.to.id))?.optedOut ?? false,
    isRecorded: async (channel, sid) => (await store.findOutbound(channel, sid)) !== undefined,
    ...(options.now ? { now: options.now } : {}),
  });
  const events = createDeliveryEvents({
    store,
    logger,
    whatsappTemplateSid: options.whatsappTemplateSid,
    outbox: options.outbox,
    ...(options.onHeld ? { onHeld: options.onHeld } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  return {
    channel: channels[0] ?? 'sms',
    channels,
    routes(receive: Receive): Router {
      return createTwilioRouter({
        receive,
        onStatus: events.onStatus,
        authToken: options.authToken,
        publicUrl: options.publicUrl,
        logger,
        ...(options.now ? { now: options.now } : {}),
      });
    },
    send: sender.send,
    onDeadLetter: events.onDeadLetter,
  };
}
