/** Inputs for the pure `decide` function, so each case states only what it varies. */
import type { DecisionInput } from '../../src/engine/decide.js';

/** An English web message in an ongoing bot conversation with no misses so far, with `over` applied. */
export function decisionInput(over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    text: '',
    channel: 'web',
    state: 'bot',
    isNewConversation: false,
    language: 'en',
    failedAnswers: 0,
    ...over,
  };
}
