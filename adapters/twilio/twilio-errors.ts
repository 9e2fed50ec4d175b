/**
 * Turns whatever twilio-node threw into a {@link ChannelError}: 408, 429, 5xx, timeouts and network failures are
 * worth a retry (after Twilio's Retry-After when it sent one); any other 4xx is permanent and keeps Twilio's code
 * (21610, the recipient replied STOP, is reported as the refusal `recipient_opted_out`). A request that may have reached Twilio without an answer coming back is
 * an {@link OutcomeUnknownError}, so the outbox looks for it before sending again.
 * See https://www.twilio.com/docs/api/errors
 */
import twilio from 'twilio';
import { ChannelError } from '../../src/errors.js';
import { redactPii } from '../../src/engine/pii.js';
import { OutcomeUnknownError } from '../../src/outbox/delivery-attempt.js';
import { TwilioRetryAfterError } from './twilio-client.js';

/** Twilio: the recipient has unsubscribed (replied STOP) from this sender. */
export const TWILIO_UNSUBSCRIBED = '21610';
/** Twilio: a WhatsApp free-form message outside the 24-hour customer service window. */
export const TWILIO_OUTSIDE_WINDOW = '63016';
/** Ours: a WhatsApp message held because the window is closed and no template is configured. */
export const WHATSAPP_WINDOW_CLOSED = 'whatsapp_window_closed';
/** Ours: a message other than a compliance reply, refused because the customer opted out. */
export const OPTED_OUT = 'opted_out';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Classifies a failed `messages.create`; `where` names the call for the message (no secrets in it). */
export function classifyTwilioError(error: unknown, where: string): ChannelError {
  if (error instanceof ChannelError) return error;
  if (error instanceof twilio.RestException) {
    const code = error.code === undefined ? undefined : String(error.code);
    // Twilio's text quotes the number ("The 'To' number +1555… is not a valid phone number"); the message is logged
    // and stored as the dead letter's error, so numbers and e-mails in it are masked.
    const message = `Twilio refused ${where}: HTTP ${error.status}${code ? ` code ${code}` : ''} ${redactPii(error.message).text}`;
    const retryable = error.status === 408 || error.status === 429 || error.status >= 500;
    const retryAfterMs = error instanceof TwilioRetryAfterError ? error.retryAfterMs : undefined;
    return new ChannelError(message, retryable, code ?? `http_${error.status}`, {
      cause: error,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      ...(code === TWILIO_UNSUBSCRIBED && { refusal: 'recipient_opted_out' as const }),
    });
  }
  // axios network failures: the outbox's backoff is the right answer. Refused or unresolved connections never
  // carried the request; a reset, a hang-up or a timeout may have come after Twilio created the message.
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  const message = `Twilio unreachable for ${where}: ${reason}`;
  if (code !== undefined && NOT_SENT.has(code)) return new ChannelError(message, true, code, { cause: error });
  return new OutcomeUnknownError(message, code, { cause: error });
}

/** Network error codes that mean the request never left: no connection was made. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
