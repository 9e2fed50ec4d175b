/**
 * Pure mapping from Twilio's incoming-message parameters to the normalized {@link Inbound}: SMS and
 * WhatsApp share one webhook and differ by the `whatsapp:` prefix of `From`. No I/O; tested on fixtures.
 */
import type { Inbound, Media } from '../../src/model.js';
import { BadRequestError } from '../../src/errors.js';
import { countryOfPhoneNumber } from '../../src/engine/country-language.js';
import { incomingMessageSchema, parseParams } from './twilio-schemas.js';

const WHATSAPP_PREFIX = 'whatsapp:';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** MediaUrlN / MediaContentTypeN for N below NumMedia; a missing pair is a malformed request. */
function mediaOf(params: Record<string, string | string[] | undefined>, count: number): Media[] {
  const media: Media[] = [];
  for (let i = 0; i < count; i += 1) {
    const url = single(params[`MediaUrl${i}`]);
    const contentType = single(params[`MediaContentType${i}`]) ?? 'application/octet-stream';
    if (!url || !/^https:\/\//.test(url)) throw new BadRequestError(`MediaUrl${i} must be an https URL`);
    media.push({ url, contentType });
  }
  return media;
}

/**
 * Builds the Inbound, or throws {@link BadRequestError} naming the bad parameter. The country hint is
 * Twilio's own `FromCountry` when given, else the calling code of the number (+371 → LV).
 */
export function toTwilioInbound(input: unknown, receivedAt: Date): Inbound {
  const params = parseParams(incomingMessageSchema, input);
  const whatsapp = params.From.startsWith(WHATSAPP_PREFIX);
  const phone = whatsapp ? params.From.slice(WHATSAPP_PREFIX.length) : params.From;
  const media = mediaOf(params, params.NumMedia);
  const fromCountry = params.FromCountry?.toUpperCase();
  const country = fromCountry && /^[A-Z]{2}$/.test(fromCountry) ? fromCountry : countryOfPhoneNumber(phone);
  const name = params.ProfileName?.trim();
  return {
    externalId: params.MessageSid,
    from: { channel: whatsapp ? 'whatsapp' : 'sms', id: phone },
    text: params.Body.trim(),
    ...(media.length > 0 ? { media } : {}),
    hints: { ...(country ? { country } : {}), ...(name ? { name } : {}) },
    receivedAt,
  };
}
