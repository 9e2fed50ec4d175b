/**
 * SMS and WhatsApp through Twilio: composes the webhooks and the sender into one {@link TwilioAdapter}. One
 * object serves both channels; the service registers it under each configured one. What Twilio reports about
 * a delivery (a refusal's code, a status callback) is translated and handed on; the delivery policy acts on it.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Channel, ChannelAdapter, Outbound, Receive } from '../../src/model.js';
import type { Store } from '../../src/store/store.js';
import type { DeliveryAttempt } from '../../src/outbox/delivery-attempt.js';
import { createTwilioClient } from './twilio-client.js';
import { createTwilioSender } from './twilio-sender.js';
import { createTwilioRouter } from './twilio-routes.js';
import { statusReportOf } from './twilio-status.js';
import type { TwilioRef } from './whatsapp-window.js';
import { publicWebhookUrl } from './twilio-signature.js';
import type { PersonLabel } from '../../src/person-label.js';
import type { ReportDelivery } from '../../src/delivery/delivery-outcome.js';

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
  /** Read only: the WhatsApp window, a customer's opt-out, and which Message SIDs are already recorded. */
  store: Pick<Store, 'getConversation' | 'findCustomer' | 'findOutbound'>;
  logger: Logger;
  /** Where status callbacks go, translated (the delivery follow-up). */
  reportDelivery: ReportDelivery;
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
  // With a template, a message Twilio dropped outside the 24-hour window can go again as the template.
  const templateRef: TwilioRef | undefined = options.whatsappTemplateSid ? { template: true } : undefined;

  return {
    channel: channels[0] ?? 'sms',
    channels,
    routes(receive: Receive): Router {
      return createTwilioRouter({
        receive,
        onStatus: async (update) => {
          const report = statusReportOf(update, templateRef);
          if (report) await options.reportDelivery(report);
        },
        authToken: options.authToken,
        publicUrl: options.publicUrl,
        logger,
        ...(options.now ? { now: options.now } : {}),
      });
    },
    send: sender.send,
  };
}
