/**
 * Turns whatever twilio-node threw into a {@link ChannelError}: 429, 5xx, timeouts and network failures are
 * worth a retry; any other 4xx is permanent and keeps Twilio's code (21610: the recipient replied STOP).
 * See https://www.twilio.com/docs/api/errors
 */
import twilio from 'twilio';
import { ChannelError } from '../../src/errors.js';

/** Twilio: the recipient has unsubscribed (replied STOP) from this sender. */
export const TWILIO_UNSUBSCRIBED = '21610';
/** Twilio: a WhatsApp free-form message outside the 24-hour customer service window. */
export const TWILIO_OUTSIDE_WINDOW = '63016';
/** Ours: a WhatsApp message held because the window is closed and no template is configured. */
export const WHATSAPP_WINDOW_CLOSED = 'whatsapp_window_closed';

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
    const message = `Twilio refused ${where}: HTTP ${error.status}${code ? ` code ${code}` : ''} ${error.message}`;
    const retryable = error.status === 429 || error.status >= 500;
    return new ChannelError(message, retryable, code ?? `http_${error.status}`, { cause: error });
  }
  // axios network failures (ECONNREFUSED, ECONNRESET, ECONNABORTED on timeout, ENOTFOUND…): the request
  // may not have reached Twilio, and the outbox's backoff is the right answer.
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new ChannelError(`Twilio unreachable for ${where}: ${reason}`, true, code, { cause: error });
}
