/**
 * Model calls per conversation: a token bucket per conversation in the shared store, so a customer who
 * floods vague questions gets offline answers once the budget is spent instead of one paid call each.
 * {@link withModelCallBudget} puts it in front of the engine's LLM step without the step knowing.
 */
import type { Logger } from 'pino';
import type { LlmAnswerStep } from '../engine/llm-answer-step.js';
import type { BucketStore, TokenBucketRule } from './token-bucket.js';

export interface ModelCallBudget {
  /** Spends one call of the conversation's budget; false when it is spent (or no call is allowed). */
  take(conversationId: number): Promise<boolean>;
}

/** `rule` undefined: no budget, every call is allowed. */
export function createModelCallBudget(buckets: BucketStore, rule: TokenBucketRule | undefined, logger: Logger): ModelCallBudget {
  return {
    async take(conversationId) {
      if (!rule) return true;
      try {
        return (await buckets.take(`llm:conversation:${conversationId}`, rule)).allowed;
      } catch (error) {
        // A paid call is the thing guarded, so an unreachable store answers offline rather than spending.
        logger.warn({ err: error, conversationId }, 'model call budget unavailable; answering offline');
        return false;
      }
    },
  };
}

/** The LLM step, asked only while the conversation has budget left; otherwise the offline decision stands. */
export function withModelCallBudget(step: LlmAnswerStep, budget: ModelCallBudget, logger: Logger): LlmAnswerStep {
  return {
    async improve(offline, context) {
      if (!offline.llm) return step.improve(offline, context);
      if (!(await budget.take(context.conversationId))) {
        logger.info({ conversationId: context.conversationId }, 'model call budget spent; answering offline');
        return offline;
      }
      return step.improve(offline, context);
    },
  };
}
