/**
 * The real twilio-node REST client, optionally pointed at another base URL (TWILIO_API_URL: a regional edge,
 * a proxy, a test server). twilio-node builds absolute `https://api.twilio.com/...` URIs itself, so the one
 * seam is its `httpClient`: a RequestClient that rewrites only the origin and leaves auth, form encoding and
 * error handling to the SDK.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as HttpResponse from 'twilio/lib/http/response.js';

/** A RequestClient that sends every request to `baseUrl` instead of the host twilio-node chose. */
export class RebasedRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, options?: RequestClient.RequestClientOptions) {
    super(options);
    this.base = new URL(baseUrl);
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>): Promise<HttpResponse.default<TData>> {
    const uri = new URL(options.uri);
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const rebased = new URL(`${prefix}${uri.pathname}${uri.search}`, this.base.origin);
    return super.request<TData>({ ...options, uri: rebased.href });
  }
}

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Base URL replacing https://api.twilio.com (and every other Twilio API host). */
  apiUrl?: string;
  /** Per-request timeout; a timeout is a retryable failure. */
  timeoutMs?: number;
}

/** A twilio-node client with our credentials, talking to `apiUrl` when given. */
export function createTwilioClient(options: TwilioClientOptions): twilio.Twilio {
  const timeout = options.timeoutMs ?? 15_000;
  // The SDK's own 429 auto-retry is off: retries belong to the outbox, which survives restarts.
  const httpClient = options.apiUrl
    ? new RebasedRequestClient(options.apiUrl, { timeout, keepAlive: true, autoRetry: false })
    : new twilio.RequestClient({ timeout, keepAlive: true, autoRetry: false });
  return twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
}
