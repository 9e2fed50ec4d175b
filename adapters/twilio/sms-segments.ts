/**
 * How many billable SMS segments a text costs. A text that fits the GSM 03.38 7-bit alphabet travels in
 * 160 septets (153 per part once it is split, the rest is the concatenation header); one character outside
 * it — an emoji, "ā", "ł" — switches the whole message to UCS-2: 70 code units, 67 per part. Knowing this
 * keeps a long Latvian answer from silently costing three times an English one.
 * See https://www.twilio.com/docs/glossary/what-sms-character-limit
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (extension characters count twice), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/** The GSM 03.38 basic character set. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: each costs an escape septet plus its own. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS = {
  'GSM-7': { single: 160, multipart: 153 },
  'UCS-2': { single: 70, multipart: 67 },
} as const;

/** Septets the text needs in GSM-7, or undefined when a character forces UCS-2. */
function gsmSeptets(text: string): number | undefined {
  let septets = 0;
  for (const char of text) {
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENSION.has(char)) septets += 2;
    else return undefined;
  }
  return septets;
}

/** The encoding and number of segments a carrier bills for this text. */
export function countSmsSegments(text: string): SmsSegmentCount {
  const septets = gsmSeptets(text);
  const encoding: SmsEncoding = septets === undefined ? 'UCS-2' : 'GSM-7';
  const units = septets ?? text.length;
  const limit = LIMITS[encoding];
  const segments = units === 0 ? 1 : units <= limit.single ? 1 : Math.ceil(units / limit.multipart);
  return { encoding, units, segments };
}
