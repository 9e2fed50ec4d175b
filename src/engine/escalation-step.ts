/**
 * The escalation verdict for one customer message: the offline classifier's, and, when its score falls in the
 * uncertain band and a language model is configured, the model's label as a second opinion. The offline
 * verdict stands whenever the model fails (timeout, error, a reply that is not one of the labels).
 */
import type { EscalationClassifier, EscalationVerdict } from '../understanding/escalation-classifier.js';
import { isEscalationReason } from '../understanding/escalation-labels.js';
import type { LlmEscalationLabel } from './llm.js';

/** Asks a model for the label of one message (personal data redacted on the way). */
export type EscalationSecondOpinion = (text: string) => Promise<LlmEscalationLabel>;

export async function judgeEscalation(text: string, classifier: EscalationClassifier, secondOpinion?: EscalationSecondOpinion): Promise<EscalationVerdict> {
  const verdict = classifier.classify(text);
  if (!verdict.uncertain || !secondOpinion) return verdict;
  const opinion = await secondOpinion(text);
  if (!opinion.ok) return verdict;
  const { label } = opinion;
  return { label, ...(isEscalationReason(label) && { reason: label }), score: verdict.score, source: 'model', uncertain: false };
}
