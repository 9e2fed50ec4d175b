/**
 * zod schemas for Twilio's webhook parameters (incoming message and status callback). A signed webhook is
 * accepted whenever its ids are non-empty strings: Twilio does not retry a 400, so refusing a message over a
 * new SID prefix, a longer body or a new status would lose it. The shapes we expect today are checked only to
 * log what differs ({@link incomingMessageShapeIssues}, {@link statusCallbackShapeIssues}).
 * See https://www.twilio.com/docs/messaging/guides/webhook-request and
 * https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
 */
import { z } from 'zod';
import { BadRequestError } from '../../src/errors.js';

const param = () => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a single value') });
/** An id: all we need of it is a non-empty string. */
const id = () => param().min(1, 'is required');

/** `+E164`, or `whatsapp:+E164` for WhatsApp senders. */
const TWILIO_ADDRESS = /^(whatsapp:)?\+[1-9]\d{1,14}$/;
const MESSAGE_SID = /^(SM|MM|IM)[0-9a-fA-F]{32}$/;
/** Twilio's own limit for an SMS body; WhatsApp allows more. */
const BODY_LIMIT = 1600;
const MAX_MEDIA = 10;

export const incomingMessageSchema = z
  .object({
    MessageSid: id(),
    From: id(),
    To: param().optional(),
    Body: param().default(''),
    NumMedia: param().optional(),
    ProfileName: param().optional(),
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

export type TwilioMessageStatus = (typeof TWILIO_MESSAGE_STATUSES)[number];

export const statusCallbackSchema = z.object({
  MessageSid: id(),
  MessageStatus: param().optional(),
  ErrorCode: param().optional(),
  To: param().optional(),
});

export type StatusCallbackParams = z.output<typeof statusCallbackSchema>;

export function isTwilioMessageStatus(value: string | undefined): value is TwilioMessageStatus {
  return (TWILIO_MESSAGE_STATUSES as readonly (string | undefined)[]).includes(value);
}

/** NumMedia as a count we read media items by, or undefined when it is not one. */
export function mediaCount(value: string | undefined): number | undefined {
  if (value === undefined) return 0;
  const count = Number(value);
  return Number.isInteger(count) && count >= 0 && count <= MAX_MEDIA ? count : undefined;
}

/** What in an accepted incoming-message webhook differs from the shape we expect; empty when nothing does. */
export function incomingMessageShapeIssues(params: IncomingMessageParams): string[] {
  const issues: string[] = [];
  if (!MESSAGE_SID.test(params.MessageSid)) issues.push('MessageSid is not SM/MM followed by 32 hex digits');
  if (!TWILIO_ADDRESS.test(params.From)) issues.push('From is not +E164 or whatsapp:+E164');
  if (params.Body.length > BODY_LIMIT) issues.push(`Body is longer than ${BODY_LIMIT} characters`);
  if (mediaCount(params.NumMedia) === undefined) issues.push(`NumMedia is not a whole number from 0 to ${MAX_MEDIA}; no media is read`);
  if ((params.ProfileName?.trim().length ?? 0) > 256) issues.push('ProfileName is longer than 256 characters; it is cut');
  return issues;
}

/** What in an accepted status callback differs from the shape we expect; empty when nothing does. */
export function statusCallbackShapeIssues(params: StatusCallbackParams): string[] {
  const issues: string[] = [];
  if (!MESSAGE_SID.test(params.MessageSid)) issues.push('MessageSid is not SM/MM followed by 32 hex digits');
  if (!isTwilioMessageStatus(params.MessageStatus)) issues.push(`MessageStatus is not one of ${TWILIO_MESSAGE_STATUSES.join(', ')}`);
  if (params.ErrorCode !== undefined && !/^\d{1,6}$/.test(params.ErrorCode)) issues.push('ErrorCode is not a numeric Twilio error code');
  return issues;
}

/** Parses `input` or throws {@link BadRequestError} saying `"<Param> <what is wrong>"`. */
export function parseParams<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  throw new BadRequestError(path ? `${path} ${issue?.message ?? 'is invalid'}` : (issue?.message ?? 'invalid request'));
}
