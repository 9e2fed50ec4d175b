/**
 * Questions the offline path answers from the demo knowledge base, each from a different entry, so a reply
 * tells which question it answers: tests of per-customer order compare the replies with the questions in the
 * order the service recorded them.
 */
import { loadKnowledgeBase } from '../../src/engine/knowledge.js';
import { createTranslator } from '../../src/i18n.js';
import { projectPath } from '../../src/paths.js';
import type { Message } from '../../src/store/store.js';

const knowledge = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'));
const t = createTranslator({ defaultLanguage: 'en' }).t;

const ENTRY_OF_QUESTION = new Map([
  ['how long does shipping take?', 'shipping-time'],
  ['what payment methods do you accept?', 'payment-methods'],
  ['what are your opening hours?', 'opening-hours'],
  ['how much does shipping cost?', 'shipping-cost'],
  ['how can I return an item?', 'returns'],
]);

export const ORDERED_QUESTIONS: readonly string[] = [...ENTRY_OF_QUESTION.keys()];

/** The English answer to one of {@link ORDERED_QUESTIONS} (`short`: the SMS one). */
export function answerTo(question: string, short = false): string | undefined {
  const entry = knowledge.entries.find((e) => e.id === ENTRY_OF_QUESTION.get(question));
  return short ? (entry?.short.en ?? entry?.answers.en) : entry?.answers.en;
}

/** The web replies a new conversation should hold after these messages were answered in turn: the disclosure, then one answer per question. */
export function expectedReplies(messages: readonly Message[]): (string | undefined)[] {
  const asked = messages.filter((m) => m.direction === 'in').map((m) => answerTo(m.text));
  return [t('en', 'disclosure'), ...asked];
}
