/**
 * The HTTP client under botbuilder's ConnectorClient, so that retries live in one place: the outbox.
 *
 * The connector client's pipeline (@azure/core-rest-pipeline) retries 408, 5xx and network errors itself, 3
 * times with exponential backoff (~7 s), and botbuilder offers no way to turn that off: ConnectorFactoryImpl
 * builds each ConnectorClient with a fixed pipeline (its `requestPolicyFactories` option is overwritten, no
 * `retryOptions` reach @azure/core-client's ServiceClient, and the client is a private field). What the options
 * do pass through is `httpClient`, the bottom of that pipeline. The retry policy only retries `RestError`s and
 * retryable responses, so this client turns exactly those into a {@link ChannelError}, which the policy rethrows
 * at once: the outbox then logs it, backs off and, in the end, dead-letters it with the error.
 */
import type { createBotFrameworkAuthenticationFromConfiguration } from 'botbuilder';
import { parseRetryAfter } from '../../src/errors.js';
import { connectorError, isRetryableStatus } from './botframework-outbound.js';

type ConnectorClientOptions = NonNullable<Parameters<typeof createBotFrameworkAuthenticationFromConfiguration>[4]>;
/** The SDK's (core-http compat) HttpClient: `sendRequest(WebResourceLike) → CompatResponse`. */
export type ConnectorHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type WebResource = Parameters<ConnectorHttpClient['sendRequest']>[0];
type HttpHeadersLike = WebResource['headers'];

export interface ConnectorTransportOptions {
  /** Abandons a request the connector does not answer; the outbox tries again later. Default 20 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** `/v3/conversations/{conversationId}/…`, for error messages that name the conversation. */
function conversationOf(url: string): string {
  const match = /\/v3\/conversations\/([^/?]+)/.exec(new URL(url).pathname);
  return match?.[1] ? decodeURIComponent(match[1]) : url;
}

/**
 * The compat headers type has no public constructor outside @azure/core-http-compat (not our dependency), so the
 * response's headers start as an emptied copy of the request's.
 */
function responseHeaders(template: HttpHeadersLike, from: Headers): HttpHeadersLike {
  const headers = template.clone();
  for (const name of headers.headerNames()) headers.remove(name);
  from.forEach((value, name) => headers.set(name, value));
  return headers;
}

function bodyOf(request: WebResource): string | undefined {
  const body: unknown = request.body;
  if (body === undefined || body === null) return undefined;
  // The connector's operations send JSON the serializer has already turned into text.
  if (typeof body === 'string') return body;
  throw new TypeError(`unsupported connector request body (${typeof body}) for ${request.method} ${request.url}`);
}

/** Creates the connector's HTTP client: one attempt per call, failures a {@link ChannelError}. */
export function createConnectorTransport(options: ConnectorTransportOptions = {}): ConnectorHttpClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = options.fetch ?? fetch;
  return {
    async sendRequest(request) {
      const conversationId = conversationOf(request.url);
      let response: Response;
      try {
        const body = bodyOf(request);
        response = await send(request.url, {
          method: request.method,
          headers: request.headers.toJson(),
          ...(body !== undefined && { body }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const cause: unknown = error instanceof Error ? error.cause : undefined;
        const code = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : cause instanceof Error && 'code' in cause ? String(cause.code) : undefined;
        const detail = cause instanceof Error ? `${String(error)}: ${cause.message}` : String(error);
        throw connectorError({ status: undefined, code, detail: `${request.method} ${request.url}: ${detail}`, conversationId }, error);
      }
      const text = await response.text();
      if (isRetryableStatus(response.status)) {
        throw connectorError({
          status: response.status,
          code: undefined,
          detail: `${request.method} ${request.url}: ${text.slice(0, 300)}`,
          conversationId,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      // Success and permanent 4xx go back to the SDK, which parses the body or its ErrorResponse as usual.
      return { request, status: response.status, headers: responseHeaders(request.headers, response.headers), bodyAsText: text };
    },
  };
}
