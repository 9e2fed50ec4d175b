/**
 * Whether a model's translation of a knowledge entry is fit to answer customers with. A model that half
 * understood the task shows it in the shape: an answer much shorter or longer than the original (a summary,
 * a rambling explanation, a second language), question lists of the wrong size, or template debris such as
 * `{{answer}}` or `[PLACEHOLDER]`. Anything that fails is dropped and asked for again on the next start.
 */
import { SHORT_ANSWER_MAX } from '../engine/knowledge.js';
import type { KnowledgeText } from '../engine/llm-prompt.js';

/** A faithful translation is rarely under 0.4× or over 2.5× the original's length, whatever the two languages. */
export const ANSWER_LENGTH_RATIO = { min: 0.4, max: 2.5 } as const;
export const QUESTION_COUNT = { min: 1, max: 8 } as const;
/** Characters of one question variant: "price?" at the short end, a chat message at the long one. */
export const QUESTION_LENGTH = { min: 3, max: 200 } as const;

/** Curly templates, closing or opening tags, and bracketed upper-case placeholders. */
const DEBRIS = /\{\{|\}\}|<\/?[a-z_]+>|\[[A-Z][A-Z0-9_]*\]/g;

/** Debris in `text` that the original does not have (an entry may legitimately mention "[VAT]"). */
function newDebris(text: string, original: string): string | undefined {
  return text.match(DEBRIS)?.find((piece) => !original.includes(piece));
}

function answerProblem(what: string, text: string | undefined, original: string): string | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return `${what} is empty`;
  if (trimmed === original.trim()) return `${what} is the original, untranslated`;
  const ratio = trimmed.length / original.length;
  if (ratio < ANSWER_LENGTH_RATIO.min || ratio > ANSWER_LENGTH_RATIO.max) return `${what} is ${ratio.toFixed(2)}× the original's length`;
  const debris = newDebris(trimmed, original);
  return debris === undefined ? undefined : `${what} contains "${debris}"`;
}

function questionsProblem(questions: readonly string[], original: readonly string[]): string | undefined {
  if (questions.length < QUESTION_COUNT.min || questions.length > QUESTION_COUNT.max) return `${questions.length} questions`;
  const bad = questions.find((q) => q.trim().length < QUESTION_LENGTH.min || q.trim().length > QUESTION_LENGTH.max);
  if (bad !== undefined) return `question of ${bad.trim().length} characters`;
  const debris = questions.map((q) => newDebris(q, original.join('\n'))).find((piece) => piece !== undefined);
  return debris === undefined ? undefined : `a question contains "${debris}"`;
}

/** The SMS answer is there exactly when the original has one, and fits one SMS like the file's own. */
function shortProblem(translated: string | undefined, original: string | undefined): string | undefined {
  if (original === undefined) return undefined;
  if ((translated?.trim().length ?? 0) > SHORT_ANSWER_MAX) return `short answer over ${SHORT_ANSWER_MAX} characters`;
  return answerProblem('short answer', translated, original);
}

/** The translation, trimmed and without repeated questions, or why it is unfit. */
export function checkKnowledgeTranslation(original: KnowledgeText, translated: KnowledgeText): { ok: true; text: KnowledgeText } | { ok: false; reason: string } {
  const problem =
    questionsProblem(translated.questions, original.questions) ??
    answerProblem('answer', translated.answer, original.answer) ??
    shortProblem(translated.short, original.short);
  if (problem !== undefined) return { ok: false, reason: problem };
  const questions = [...new Set(translated.questions.map((q) => q.trim()))];
  const short = original.short === undefined ? undefined : translated.short?.trim();
  return { ok: true, text: { questions, answer: translated.answer.trim(), ...(short !== undefined && { short }) } };
}
