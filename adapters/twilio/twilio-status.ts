/**
 * Pure mapping of a Twilio status callback to our delivery state. Twilio has more states than we show
 * staff; the in-between ones collapse to `queued`.
 */
import type { Channel } from '../../src/model.js';
import type { DeliveryStatus } from '../../src/store/store.js';
import { statusCallbackSchema, parseParams, type StatusCallbackParams } from './twilio-schemas.js';

const STATUS_MAP: Readonly<Record<StatusCallbackParams['MessageStatus'], DeliveryStatus | undefined>> = {
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
}

/** Validates the callback parameters (throws BadRequestError naming the parameter) and maps them. */
export function toStatusUpdate(input: unknown): StatusUpdate {
  const params = parseParams(statusCallbackSchema, input);
  const channels: Channel[] =
    params.To === undefined ? ['sms', 'whatsapp'] : params.To.startsWith('whatsapp:') ? ['whatsapp'] : ['sms'];
  return { messageSid: params.MessageSid, channels, status: STATUS_MAP[params.MessageStatus], errorCode: params.ErrorCode };
}
