/**
 * Outbound → Bot Framework message activity, and connector failures → {@link ChannelError}. Both pure.
 */
import type { Outbound } from '../../src/model.js';
import { ChannelError } from '../../src/errors.js';
import { customerFacingText } from '../../src/person-label.js';

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
  const text = customerFacingText(outbound, personLabel);
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

/** What went wrong talking to the connector: an HTTP status, or none when it could not be reached. */
export interface ConnectorFailure {
  status: number | undefined;
  /** The transport's error code (ECONNREFUSED, TimeoutError) when there is no status. */
  code: string | undefined;
  detail: string;
  conversationId: string;
  /** The connector's Retry-After (Teams sends one with 429), in milliseconds. */
  retryAfterMs?: number | undefined;
}

/** Statuses worth another attempt: timeouts, throttling and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Throttling, server errors and the network are worth another attempt; any other 4xx (bot removed from the
 * Teams chat, conversation gone, bad request) will fail the same way again.
 */
export function connectorError(failure: ConnectorFailure, cause?: unknown): ChannelError {
  const { status, code, detail, conversationId } = failure;
  if (status === undefined) {
    return new ChannelError(`Bot Framework connector unreachable for conversation ${conversationId}: ${detail}`, true, code, { cause });
  }
  return new ChannelError(`Bot Framework connector answered ${status} for conversation ${conversationId}: ${detail}`, isRetryableStatus(status), `http_${status}`, {
    cause,
    ...(failure.retryAfterMs !== undefined && { retryAfterMs: failure.retryAfterMs }),
  });
}

/**
 * The connector client throws `RestError`s (@azure/core-rest-pipeline) with the HTTP `statusCode` for the 4xx our
 * transport lets through; a failed `fetch` is a TypeError whose `cause` carries the system `code` (ECONNREFUSED).
 */
export function toChannelError(error: unknown, conversationId: string): ChannelError {
  if (error instanceof ChannelError) return error;
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  return connectorError(
    {
      status: numberField(error, 'statusCode'),
      code: stringField(error, 'code') ?? stringField(cause, 'code'),
      detail: error instanceof Error ? error.message : String(error),
      conversationId,
    },
    error,
  );
}
