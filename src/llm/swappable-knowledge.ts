/**
 * A knowledge base whose contents can be replaced while the service runs: the engine and the model's answer
 * step hold this one object, and each call reads whichever base is current, so a base retrained with new
 * translations takes over from the next message on. The offline decision (src/engine/decide.ts) is
 * synchronous, so a swap never lands in the middle of one.
 */
import type { KnowledgeBase } from '../engine/knowledge.js';

export interface SwappableKnowledge extends KnowledgeBase {
  /** Answers from `next` from now on. */
  replace(next: KnowledgeBase): void;
}

export function createSwappableKnowledge(initial: KnowledgeBase): SwappableKnowledge {
  let current = initial;
  return {
    get entries() {
      return current.entries;
    },
    get languages() {
      return current.languages;
    },
    understand: (text, options) => current.understand(text, options),
    search: (text, options) => current.search(text, options),
    look: (text, options) => current.look(text, options),
    rank: (text, options) => current.rank(text, options),
    answerFor: (entry, language, options) => current.answerFor(entry, language, options),
    questionFor: (entry, language) => current.questionFor(entry, language),
    replace(next) {
      current = next;
    },
  };
}
