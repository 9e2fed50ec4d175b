/**
 * Machine translation for the staff desk: customer messages into the staff's language, staff replies into
 * the customer's, and a summary for the queue post. The handoff queue depends on this interface only, so it
 * works unchanged without a model (no translator: relays carry the original and its language).
 */
import type { Author } from '../model.js';
import type { Llm } from './llm.js';

export interface TextTranslator {
  /**
   * `text` in language `to`; undefined when there is nothing to do (already in `to`) or the model failed
   * (logged by the model client), so callers send or show the original.
   */
  translate(text: string, from: string | undefined, to: string): Promise<string | undefined>;
  /** A few sentences on the conversation so far, in `to`; undefined when unavailable. */
  summarize(turns: readonly { author: Author; text: string }[], to: string): Promise<string | undefined>;
}

/** Compares primary subtags: "pt-BR" and "pt" need no translation between them. */
function sameLanguage(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase().split(/[-_]/)[0] === b.toLowerCase().split(/[-_]/)[0];
}

/** A {@link TextTranslator} over the configured chat model. */
export function createLlmTranslator(llm: Llm): TextTranslator {
  return {
    async translate(text, from, to) {
      if (sameLanguage(from, to) || text.trim() === '') return undefined;
      const result = await llm.translate(text, from, to);
      // A "translation" identical to the input adds nothing to show staff.
      return result.ok && result.text !== text.trim() ? result.text : undefined;
    },
    async summarize(turns, to) {
      const meaningful = turns.filter((turn) => turn.text.trim() !== '');
      if (meaningful.length === 0) return undefined;
      const result = await llm.summarize(meaningful, to);
      return result.ok ? result.text : undefined;
    },
  };
}
