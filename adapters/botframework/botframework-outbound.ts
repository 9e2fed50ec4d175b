/**
 * Outbound → Bot Framework message activity, and connector failures → {@link ChannelError}. Both pure.
 */
import type { Outbound } from '../../src/model.js';
import { ChannelError } from '../../src/errors.js';

/** The message activity we send; the SDK fills in conversation, from/recipient and serviceUrl from the reference. */
export interface ReplyActivity {
  type: 'message';
  text: string;
  textFormat: 'plain';
}

/**
 * Agent messages carry a visible label ("Anna (person from our team): …"): in Web Chat and Teams every message
 * in the conversation appears to come from the bot, so the text itself must say a person wrote it.
 */
export function toReplyActivity(outbound: Outbound, personLabel: (agentName: string | undefined) => string): ReplyActivity {
  const text = outbound.author === 'agent' ? `${personLabel(outbound.agentName)}: ${outbound.text}` : outbound.text;
  // Plain: knowledge-base answers and agent texts are not written as markdown, and `*` or `_` in them must not
  // turn into formatting.
  return { type: 'message', text, textFormat: 'plain' };
}

function numberField(value: unknown, field: string): number | undefined {
  if (typeof value !== 'object' || value === null || !(field in value)) return undefined;
  const found: unknown = Reflect.get(value, field);
  return typeof found === 'number' ? found : undefined;
}

function stringField(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(field in value)) return undefined;
  const found: unknown = Reflect.get(value, field);
  return typeof found === 'string' ? found : undefined;
}

/**
 * The connector client throws `RestError`s (@azure/core-rest-pipeline) with the HTTP `statusCode`; transport
 * failures carry a `code` (REQUEST_SEND_ERROR, ECONNREFUSED) and no status. Throttling, server errors and the
 * network are worth another attempt; any other 4xx (bot removed from the Teams chat, conversation gone, bad
 * request) will fail the same way again.
 */
export function toChannelError(error: unknown, conversationId: string): ChannelError {
  if (error instanceof ChannelError) return error;
  const status = numberField(error, 'statusCode');
  const detail = error instanceof Error ? error.message : String(error);
  if (status === undefined) {
    const code = stringField(error, 'code');
    return new ChannelError(`Bot Framework connector unreachable for conversation ${conversationId}: ${detail}`, true, code, { cause: error });
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  return new ChannelError(
    `Bot Framework connector answered ${status} for conversation ${conversationId}: ${detail}`,
    retryable,
    `http_${status}`,
    { cause: error },
  );
}
