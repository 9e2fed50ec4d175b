/**
 * Splits an answer longer than Twilio's 1600-character message body into parts at sentence boundaries, so
 * each part reads on its own. Shorter texts go out as one message (the carrier concatenates its segments).
 * See https://www.twilio.com/docs/api/errors/21617
 */

/** Twilio's maximum `Body` length for one message. */
export const MAX_TWILIO_BODY = 1600;

function segmentsOf(text: string, granularity: 'sentence' | 'word'): string[] {
  return [...new Intl.Segmenter(undefined, { granularity }).segment(text)].map((s) => s.segment);
}

/** Greedy packing of pieces into parts of at most `max`; a piece longer than `max` is split finer first. */
function pack(pieces: string[], max: number, finer: (piece: string) => string[]): string[] {
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (piece.length > max) {
      if (current.trim()) parts.push(current.trim());
      current = '';
      for (const sub of pack(finer(piece), max, hardCut(max))) parts.push(sub);
      continue;
    }
    if ((current + piece).trimEnd().length > max) {
      if (current.trim()) parts.push(current.trim());
      current = piece;
    } else {
      current += piece;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function hardCut(max: number): (piece: string) => string[] {
  return (piece) => {
    // Cut on code points so a surrogate pair (an emoji) is never halved.
    const chars = [...piece];
    const out: string[] = [];
    let current = '';
    for (const char of chars) {
      if ((current + char).length > max) {
        out.push(current);
        current = '';
      }
      current += char;
    }
    if (current) out.push(current);
    return out;
  };
}

/** The text as one part when it fits `max` (default 1600), else parts split at sentences, then words. */
export function splitForSms(text: string, max: number = MAX_TWILIO_BODY): string[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  if (text.length <= max) return [text];
  return pack(segmentsOf(text, 'sentence'), max, (sentence) => segmentsOf(sentence, 'word'));
}
