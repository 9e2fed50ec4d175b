/**
 * Pure mapping of a Twilio status callback to our delivery state. Twilio has more states than we show
 * staff; the in-between ones collapse to `queued`, and a state we do not know changes nothing.
 */
import type { Channel } from '../../src/model.js';
import type { DeliveryStatus } from '../../src/store/store.js';
import type { DeliveryStatusReport } from '../../src/delivery/delivery-outcome.js';
import { TWILIO_OUTSIDE_WINDOW } from './twilio-errors.js';
import type { TwilioRef } from './whatsapp-window.js';
import { isTwilioMessageStatus, parseParams, statusCallbackSchema, statusCallbackShapeIssues, type TwilioMessageStatus } from './twilio-schemas.js';

const STATUS_MAP: Readonly<Record<TwilioMessageStatus, DeliveryStatus | undefined>> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  partially_delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
  read: 'read',
  // Inbound states; a callback for our own outbound message never carries them.
  receiving: undefined,
  received: undefined,
};

export interface StatusUpdate {
  messageSid: string;
  /** Channels to look the SID up in: `To` tells WhatsApp from SMS when Twilio includes it. */
  channels: Channel[];
  status: DeliveryStatus | undefined;
  errorCode: string | undefined;
  /**
   * The outbox row whose whole message this is, from the callback URL we gave the message (absent for a part
   * of a long SMS, and for messages sent before rows were named).
   */
  outboxId?: number;
}

/** A positive integer query parameter, or undefined. */
function positiveInteger(value: string | null): number | undefined {
  if (value === null || !/^[1-9]\d{0,15}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Maps the callback's parameters and its URL's query (`outbox`, `part`, as the sender set them), with what was
 * not as expected (for the log); throws BadRequestError only when MessageSid is missing.
 */
export function parseStatusCallback(input: unknown, callbackQuery: URLSearchParams): { update: StatusUpdate; issues: string[] } {
  const params = parseParams(statusCallbackSchema, input);
  const issues = statusCallbackShapeIssues(params);
  const channels: Channel[] =
    params.To === undefined ? ['sms', 'whatsapp'] : params.To.startsWith('whatsapp:') ? ['whatsapp'] : ['sms'];
  const status = isTwilioMessageStatus(params.MessageStatus) ? STATUS_MAP[params.MessageStatus] : undefined;
  const outboxId = callbackQuery.has('part') ? undefined : positiveInteger(callbackQuery.get('outbox'));
  const update: StatusUpdate = { messageSid: params.MessageSid, channels, status, errorCode: params.ErrorCode, ...(outboxId !== undefined && { outboxId }) };
  return { update, issues };
}

/**
 * A status update in the delivery policy's terms; undefined for a state we do not record. A WhatsApp message
 * Twilio failed with 63016 (outside the 24-hour window) can go again as the template, when one is configured.
 */
export function statusReportOf(update: StatusUpdate, templateRef: TwilioRef | undefined): DeliveryStatusReport | undefined {
  if (!update.status) return undefined;
  const windowClosed = update.errorCode === TWILIO_OUTSIDE_WINDOW && update.channels.includes('whatsapp');
  return {
    providerId: update.messageSid,
    channels: update.channels,
    status: update.status,
    ...(update.outboxId !== undefined && { outboxId: update.outboxId }),
    ...(windowClosed && { windowClosed: templateRef ? { resendRef: templateRef } : {} }),
  };
}
