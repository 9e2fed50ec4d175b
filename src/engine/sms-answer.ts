/**
 * Keeps a model's answer SMS-sized. The prompt asks for one SMS, but a model may run on; rather than send a
 * message split into several billed segments, the answer keeps as many whole leading sentences as fit.
 */

/**
 * The longest run of whole leading sentences of `text` within `maxChars`, or undefined when even the first
 * sentence is too long (the caller answers offline rather than send half a sentence).
 */
export function fitSmsAnswer(text: string, maxChars: number, language: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  let fitted = '';
  // Sentence boundaries differ by language (abbreviations, "¿…?"), so ask ICU rather than split on ". ".
  for (const { segment } of new Intl.Segmenter(language, { granularity: 'sentence' }).segment(trimmed)) {
    if ((fitted + segment).trimEnd().length > maxChars) break;
    fitted += segment;
  }
  return fitted.trim() === '' ? undefined : fitted.trim();
}
