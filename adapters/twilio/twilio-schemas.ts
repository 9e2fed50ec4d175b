/**
 * zod schemas for Twilio's webhook parameters (incoming message and status callback), and the one place a
 * failed parse becomes a 400 reason naming the parameter.
 * See https://www.twilio.com/docs/messaging/guides/webhook-request and
 * https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
 */
import { z } from 'zod';
import { BadRequestError } from '../../src/errors.js';

const param = () => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a single value') });

/** `+E164`, or `whatsapp:+E164` for WhatsApp senders. */
const TWILIO_ADDRESS = /^(whatsapp:)?\+[1-9]\d{1,14}$/;
const MESSAGE_SID = /^(SM|MM|IM)[0-9a-fA-F]{32}$/;

export const incomingMessageSchema = z
  .object({
    MessageSid: param().regex(MESSAGE_SID, 'must be a Twilio message SID (SM/MM followed by 32 hex digits)'),
    From: param().regex(TWILIO_ADDRESS, 'must be +E164 or whatsapp:+E164'),
    To: param().optional(),
    Body: param().max(1600, 'must be at most 1600 characters').default(''),
    NumMedia: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(10).default(0),
    ProfileName: param().max(256, 'must be at most 256 characters').optional(),
    FromCountry: param().optional(),
  })
  // MediaUrl0..9 / MediaContentType0..9 are read by index after validation.
  .catchall(z.union([z.string(), z.array(z.string())]));

export type IncomingMessageParams = z.output<typeof incomingMessageSchema>;

/** Twilio's message statuses; see the status callback guide above. */
export const TWILIO_MESSAGE_STATUSES = [
  'accepted',
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'read',
  'receiving',
  'received',
  'canceled',
  'partially_delivered',
] as const;

export const statusCallbackSchema = z.object({
  MessageSid: param().regex(MESSAGE_SID, 'must be a Twilio message SID (SM/MM followed by 32 hex digits)'),
  MessageStatus: z.enum(TWILIO_MESSAGE_STATUSES, { error: `must be one of ${TWILIO_MESSAGE_STATUSES.join(', ')}` }),
  ErrorCode: param().regex(/^\d{1,6}$/, 'must be a numeric Twilio error code').optional(),
  To: param().optional(),
});

export type StatusCallbackParams = z.output<typeof statusCallbackSchema>;

/** Parses `input` or throws {@link BadRequestError} saying `"<Param> <what is wrong>"`. */
export function parseParams<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  throw new BadRequestError(path ? `${path} ${issue?.message ?? 'is invalid'}` : (issue?.message ?? 'invalid request'));
}
