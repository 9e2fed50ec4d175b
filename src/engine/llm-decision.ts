/**
 * Folds a model's result into the offline decision: a pure function, so what the customer gets for each
 * outcome (answer, handoff, translation, failure) is tested without a server.
 */
import type { Decision } from './decide.js';

/** What the model gave for a decision's {@link Decision.llm} opportunity. */
export type LlmResult =
  | { kind: 'answer'; text: string }
  | { kind: 'handoff'; reason: string }
  | { kind: 'translation'; text: string }
  | { kind: 'failed' };

export function mergeLlmResult(offline: Decision, result: LlmResult): Decision {
  const opportunity = offline.llm;
  if (!opportunity || result.kind === 'failed') return offline;
  const kept = offline.replies.slice(0, opportunity.replaceFrom);
  if (opportunity.task === 'translate') {
    // Only a translation replaces a translatable answer; the entry, and its own handoff, stay.
    return result.kind === 'translation' ? { ...offline, replies: [...kept, result.text] } : offline;
  }
  if (result.kind === 'answer') {
    // The model answered: this is not a miss, so the "failed twice" escalation the offline path planned is off.
    // Nor does the customer choose among the offline path's suggestions any more.
    const { escalation, offered, ...rest } = offline;
    return { ...rest, replies: [...kept, result.text], failedAnswers: 0, ...(escalation && escalation !== 'repeated_misses' && { escalation }) };
  }
  if (result.kind === 'handoff') {
    // The desk tells the customer a person is coming (with the queue position), as for the offline detector.
    const { offered, ...rest } = offline;
    return { ...rest, replies: kept, failedAnswers: 0, escalation: 'llm_handoff' };
  }
  return offline;
}
