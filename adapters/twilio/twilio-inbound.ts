/**
 * Pure mapping from Twilio's incoming-message parameters to the normalized {@link Inbound}: SMS and
 * WhatsApp share one webhook and differ by the `whatsapp:` prefix of `From`. No I/O; tested on fixtures.
 * Only missing ids refuse a message; anything else unexpected is mapped as well as it can be and reported.
 */
import type { Inbound, Media } from '../../src/model.js';
import { BadRequestError } from '../../src/errors.js';
import { hasNonCharacters, NON_CHARACTER_REASON, stripNonCharacters } from '../../src/unicode-text.js';
import { countryOfPhoneNumber } from '../../src/engine/country-language.js';
import { incomingMessageSchema, incomingMessageShapeIssues, mediaCount, parseParams } from './twilio-schemas.js';

const WHATSAPP_PREFIX = 'whatsapp:';
/** A WhatsApp profile name is short; a longer value is cut rather than stored whole. */
const MAX_NAME_LENGTH = 256;
/**
 * The longest text taken (WhatsApp allows 4,096 characters, SMS bodies are at most 1,600), like Bot Framework's
 * cap; the rest of a longer Body is cut before anything reads it.
 */
const MAX_TEXT_LENGTH = 4000;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/**
 * MediaUrlN / MediaContentTypeN for N below NumMedia. An item without an https URL is left out (staff open the
 * link, so nothing else is passed on) and reported.
 */
function mediaOf(params: Record<string, string | string[] | undefined>, count: number, issues: string[]): Media[] {
  const media: Media[] = [];
  for (let i = 0; i < count; i += 1) {
    const url = single(params[`MediaUrl${i}`]);
    const contentType = single(params[`MediaContentType${i}`]) ?? 'application/octet-stream';
    if (url && /^https:\/\//.test(url)) media.push({ url, contentType });
    else issues.push(`MediaUrl${i} is not an https URL; the item is left out`);
  }
  return media;
}

/** The Inbound and what in the parameters was not as expected (for the log); throws only when an id is missing. */
export function parseTwilioInbound(input: unknown, receivedAt: Date): { inbound: Inbound; issues: string[] } {
  const params = parseParams(incomingMessageSchema, input);
  // Kept as they are in the store (the idempotency key, the address): refused rather than altered.
  for (const name of ['MessageSid', 'From'] as const) if (hasNonCharacters(params[name])) throw new BadRequestError(`${name} ${NON_CHARACTER_REASON}`);
  const issues = incomingMessageShapeIssues(params);
  const whatsapp = params.From.startsWith(WHATSAPP_PREFIX);
  const phone = whatsapp ? params.From.slice(WHATSAPP_PREFIX.length) : params.From;
  const media = mediaOf(params, mediaCount(params.NumMedia) ?? 0, issues);
  const fromCountry = params.FromCountry?.toUpperCase();
  const country = fromCountry && /^[A-Z]{2}$/.test(fromCountry) ? fromCountry : countryOfPhoneNumber(phone);
  const name = stripNonCharacters(params.ProfileName ?? '').trim().slice(0, MAX_NAME_LENGTH);
  const inbound: Inbound = {
    externalId: params.MessageSid,
    from: { channel: whatsapp ? 'whatsapp' : 'sms', id: phone },
    text: stripNonCharacters(params.Body.slice(0, MAX_TEXT_LENGTH)).trim(),
    ...(media.length > 0 ? { media } : {}),
    hints: { ...(country ? { country } : {}), ...(name ? { name } : {}) },
    receivedAt,
  };
  return { inbound, issues };
}

/**
 * Builds the Inbound, or throws a BadRequestError when an id is missing. The country hint is Twilio's own
 * `FromCountry` when given, else the calling code of the number (+371 → LV).
 */
export function toTwilioInbound(input: unknown, receivedAt: Date): Inbound {
  return parseTwilioInbound(input, receivedAt).inbound;
}
