/**
 * The engine's I/O step between the offline decision and the reply: when the offline path had no confident
 * answer (or no answer in the conversation's language) and a model is configured, ask it, and fold the
 * result in with {@link mergeLlmResult}. The offline decision stands whenever the model fails. The passages
 * the model answers from are the entries nearest in meaning (embeddings) when a retriever has them, else the
 * offline matcher's ranking.
 */
import type { Channel } from '../model.js';
import type { Message } from '../store/store.js';
import type { Decision } from './decide.js';
import type { KnowledgeBase } from './knowledge.js';
import type { Llm } from './llm.js';
import type { Passage } from './llm-prompt.js';
import { mergeLlmResult, type LlmResult } from './llm-decision.js';

/** Finds knowledge entries by meaning (see src/llm/entry-embeddings.ts). */
export interface EntryRetriever {
  /** Ids of the `limit` entries nearest to the question, best first; undefined when it cannot tell (no embeddings, endpoint down). */
  nearest(question: string, limit: number): Promise<string[] | undefined>;
}

export interface LlmAnswerStepOptions {
  llm: Llm;
  knowledge: KnowledgeBase;
  retriever?: EntryRetriever;
  /** Passages offered to the model. Default 3. */
  passages?: number;
  /** Earlier messages offered for context. Default 6. */
  historyTurns?: number;
}

export interface LlmAnswerContext {
  text: string;
  language: string;
  channel: Channel;
  conversationId: number;
  /** The conversation so far, oldest first; the message being answered is left out by id. */
  history: readonly Message[];
  messageId: number;
  handoffAvailable: boolean;
}

export interface LlmAnswerStep {
  improve(offline: Decision, context: LlmAnswerContext): Promise<Decision>;
}

export function createLlmAnswerStep(options: LlmAnswerStepOptions): LlmAnswerStep {
  const { llm, knowledge } = options;

  async function passagesFor(text: string, language: string): Promise<Passage[]> {
    const limit = options.passages ?? 3;
    const nearest = await options.retriever?.nearest(text, limit);
    const entries = nearest
      ? nearest.flatMap((id) => knowledge.entries.filter((entry) => entry.id === id))
      : // However unlikely each: the model is told to say it does not know when none of them answers.
        knowledge.rank(text, { language, limit }).map((match) => match.entry);
    return entries.map((entry) => {
      const answer = knowledge.answerFor(entry, language);
      return { id: entry.id, language: answer.language, text: answer.text };
    });
  }

  async function ask(offline: Decision, context: LlmAnswerContext): Promise<LlmResult> {
    const opportunity = offline.llm;
    if (!opportunity) return { kind: 'failed' };
    if (opportunity.task === 'translate') {
      const translated = await llm.translate(opportunity.text, opportunity.from, context.language);
      return translated.ok ? { kind: 'translation', text: translated.text } : { kind: 'failed' };
    }
    const history = context.history
      .filter((m) => m.id !== context.messageId && m.text.trim() !== '')
      .slice(-(options.historyTurns ?? 6))
      .map((m) => ({ author: m.author, text: m.text }));
    const result = await llm.answer({
      question: context.text,
      history,
      passages: await passagesFor(context.text, context.language),
      language: context.language,
      channel: context.channel,
      handoffAvailable: context.handoffAvailable,
      conversationId: context.conversationId,
    });
    return result.kind === 'failed' ? { kind: 'failed' } : result;
  }

  return {
    async improve(offline, context) {
      if (!offline.llm) return offline;
      return mergeLlmResult(offline, await ask(offline, context));
    },
  };
}
