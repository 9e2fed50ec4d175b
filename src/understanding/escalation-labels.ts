/**
 * What the escalation classifier tells apart. Every label but `none` and `bot_question` sends the
 * conversation to a person; `bot_question` ("are you a robot?") gets a truthful answer instead.
 */
export const ESCALATION_REASONS = [
  'asked_for_human',
  'frustration',
  'sensitive_bereavement',
  'sensitive_fraud',
  'sensitive_legal',
  'sensitive_self_harm',
  'sensitive_safety',
] as const;

/** A reason the classifier gives for handing a conversation to a person. */
export type DetectedEscalationReason = (typeof ESCALATION_REASONS)[number];

export const ESCALATION_LABELS = [...ESCALATION_REASONS, 'bot_question', 'none'] as const;

export type EscalationLabel = (typeof ESCALATION_LABELS)[number];

export function isEscalationLabel(value: string): value is EscalationLabel {
  return (ESCALATION_LABELS as readonly string[]).includes(value);
}

export function isEscalationReason(label: EscalationLabel): label is DetectedEscalationReason {
  return (ESCALATION_REASONS as readonly string[]).includes(label);
}

/** Probability that a message needs a person: everything but `none` and `bot_question`. */
export function escalationScore(probabilities: Float64Array): number {
  const none = probabilities[ESCALATION_LABELS.indexOf('none')] ?? 0;
  const botQuestion = probabilities[ESCALATION_LABELS.indexOf('bot_question')] ?? 0;
  return Math.max(0, 1 - none - botQuestion);
}

export interface Thresholds {
  /** Escalate at or above this score. */
  escalate: number;
  /** Between these two scores the verdict is uncertain: a configured language model gives a second opinion. */
  uncertainBelow: number;
  uncertainAbove: number;
}
