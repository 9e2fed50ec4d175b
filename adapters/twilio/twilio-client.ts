/**
 * The real twilio-node REST client with two adjustments at its one seam, the `httpClient` (a RequestClient):
 * it can point at another base URL (TWILIO_API_URL: a regional edge, a proxy, a test server) — twilio-node
 * builds absolute `https://api.twilio.com/...` URIs itself, so only the origin is rewritten — and a refusal
 * that carries Retry-After keeps it, which twilio-node's RestException drops. Auth, form encoding and error
 * parsing stay the SDK's.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as HttpResponse from 'twilio/lib/http/response.js';
import { parseRetryAfter } from '../../src/errors.js';

/** twilio-node's RestException plus the response's Retry-After, in milliseconds. */
export class TwilioRetryAfterError extends twilio.RestException {
  constructor(
    response: HttpResponse.default<unknown>,
    readonly retryAfterMs: number,
  ) {
    super(response);
  }
}

function retryAfterOf(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value: unknown = (headers as Record<string, unknown>)['retry-after'];
  return typeof value === 'string' ? value : undefined;
}

/** `href` with `base`'s origin and path prefix in place of its own origin. */
function rebase(href: string, base: URL): string {
  const uri = new URL(href);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new URL(`${prefix}${uri.pathname}${uri.search}`, base.origin).href;
}

/** A RequestClient that sends every request to `baseUrl` (when given) and keeps Retry-After on refusals. */
export class SwitchboardRequestClient extends twilio.RequestClient {
  private readonly base: URL | undefined;

  constructor(baseUrl: string | undefined, options?: RequestClient.RequestClientOptions) {
    super(options);
    this.base = baseUrl === undefined ? undefined : new URL(baseUrl);
  }

  override async request<TData>(options: RequestClient.RequestOptions<TData>): Promise<HttpResponse.default<TData>> {
    const { base } = this;
    const response = await super.request<TData>(base ? { ...options, uri: rebase(options.uri, base) } : options);
    const retryAfterMs = response.statusCode >= 400 ? parseRetryAfter(retryAfterOf(response.headers)) : undefined;
    if (retryAfterMs !== undefined) throw new TwilioRetryAfterError(response, retryAfterMs);
    return response;
  }
}

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Base URL replacing https://api.twilio.com (and every other Twilio API host). */
  apiUrl?: string;
  /** Per-request timeout; a timeout is a retryable failure whose outcome is unknown. */
  timeoutMs?: number;
}

/** A twilio-node client with our credentials, talking to `apiUrl` when given. */
export function createTwilioClient(options: TwilioClientOptions): twilio.Twilio {
  const timeout = options.timeoutMs ?? 15_000;
  // The SDK's own 429 auto-retry is off: retries belong to the outbox, which survives restarts.
  const httpClient = new SwitchboardRequestClient(options.apiUrl, { timeout, keepAlive: true, autoRetry: false });
  return twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
}
