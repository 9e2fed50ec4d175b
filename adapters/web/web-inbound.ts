/**
 * Pure mapping from a validated widget message to the normalized {@link Inbound}. No I/O, so it is tested
 * without a server.
 */
import type { Inbound } from '../../src/model.js';
import type { WebMessageBody } from './web-schemas.js';

/** Everything the mapper reads: the validated body and the request facts it may use as hints. */
export interface WebInboundInput {
  body: WebMessageBody;
  /** The request's Accept-Language header, if any. */
  acceptLanguage: string | undefined;
  receivedAt: Date;
}

/** Builds the Inbound; the explicit `locale` of the body beats the browser's Accept-Language. */
export function toWebInbound({ body, acceptLanguage, receivedAt }: WebInboundInput): Inbound {
  const locale = body.locale ?? preferredLanguageTag(acceptLanguage);
  return {
    // Client message ids are only unique per visitor, so the visitor is part of the idempotency key.
    externalId: `${body.visitorId}:${body.clientMessageId}`,
    from: { channel: 'web', id: body.visitorId },
    text: body.text,
    ...(locale ? { hints: { locale } } : {}),
    receivedAt,
  };
}

/**
 * The most preferred tag of an Accept-Language header (`fr-CH, fr;q=0.9, en;q=0.8` → `fr-CH`): the
 * highest q-value, the first one on ties, never `*` or a q=0 refusal. See RFC 9110 §12.5.4.
 */
export function preferredLanguageTag(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let best: { tag: string; q: number } | undefined;
  for (const part of header.split(',')) {
    const [rawTag = '', ...params] = part.split(';').map((s) => s.trim());
    if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(rawTag)) continue;
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { tag: rawTag, q };
  }
  return best?.tag;
}
