/**
 * Verifies `X-Twilio-Signature` on the raw request, before anything is parsed into the engine. Two variants:
 * form posts (HMAC-SHA1 over the URL plus the sorted parameters) and JSON bodies (HMAC over the URL, whose
 * `bodySHA256` query parameter must hash the raw body). The comparisons are twilio-node's own, constant-time.
 * See https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
import twilio from 'twilio';
import { SignatureError } from '../../src/errors.js';

export type TwilioParams = Record<string, string | string[]>;

export interface SignedRequest {
  /** The URL Twilio called, as Twilio saw it: see {@link publicWebhookUrl}. */
  url: string;
  signature: string | undefined;
  contentType: string | undefined;
  rawBody: Buffer;
}

/**
 * The URL Twilio signed: our public origin (PUBLIC_URL, which may carry a path prefix) plus the path and
 * query we received. Behind a TLS-terminating proxy the request's own host and scheme are the proxy's, so
 * rebuilding the URL from them would reject every genuine request.
 */
export function publicWebhookUrl(publicUrl: string, originalUrl: string): string {
  return publicUrl.replace(/\/+$/, '') + originalUrl;
}

/** Form parameters as Twilio signs them: a repeated name keeps all its values. */
export function parseFormParams(body: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = params[name];
    if (existing === undefined) params[name] = value;
    else params[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return params;
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? '');
}

/**
 * Throws {@link SignatureError} (`missing` → 400, `invalid` → 403) unless the request is signed with
 * `authToken`. Returns the form parameters of a form post, or the raw JSON text of a JSON post.
 */
export function verifyTwilioRequest(
  authToken: string,
  request: SignedRequest,
): { kind: 'form'; params: TwilioParams } | { kind: 'json'; body: string } {
  const { signature, url } = request;
  if (!signature) throw new SignatureError('missing', 'X-Twilio-Signature header is missing');
  if (!URL.canParse(url)) throw new SignatureError('invalid', 'the webhook URL cannot be parsed, so no signature can match');
  const body = request.rawBody.toString('utf8');
  if (isJson(request.contentType)) {
    // JSON bodies are signed through the URL; the body itself is bound by the bodySHA256 hash in it.
    if (!new URL(url).searchParams.has('bodySHA256')) {
      throw new SignatureError('invalid', 'a JSON webhook must carry bodySHA256 in its URL');
    }
    if (!safely(() => twilio.validateRequestWithBody(authToken, signature, url, body))) {
      throw new SignatureError('invalid', 'X-Twilio-Signature does not match the request');
    }
    return { kind: 'json', body };
  }
  const params = parseFormParams(body);
  if (!safely(() => twilio.validateRequest(authToken, signature, url, params))) {
    throw new SignatureError('invalid', 'X-Twilio-Signature does not match the request');
  }
  return { kind: 'form', params };
}

/** twilio-node re-parses variants of the URL with `new URL()`; a throw there is a failed check, not a 500. */
function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
