/**
 * Counts and times every language model call by purpose and outcome, around the client rather than inside it:
 * every result already says how it ended (`kind`, or `ok` with a failure `cause`), so nothing in the client changes.
 */
import type { Llm } from '../engine/llm.js';
import type { Metrics } from '../metrics.js';

type Outcome = { kind: string; cause?: string } | { ok: boolean; cause?: string };

/** `ok`, `handoff`, or the failure cause: a closed set, so the label stays bounded. */
function outcomeOf(result: Outcome): string {
  if ('kind' in result) return result.kind === 'failed' ? (result.cause ?? 'failed') : result.kind === 'answer' ? 'ok' : result.kind;
  return result.ok ? 'ok' : (result.cause ?? 'failed');
}

export function withLlmMetrics(llm: Llm, metrics: Pick<Metrics, 'llmCall'>): Llm {
  function timed<A extends unknown[], R extends Outcome>(purpose: string, call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      const started = performance.now();
      try {
        const result = await call(...args);
        metrics.llmCall(purpose, outcomeOf(result), (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        // The client reports failures as results; a throw is a bug, counted so it shows.
        metrics.llmCall(purpose, 'error', (performance.now() - started) / 1000);
        throw error;
      }
    };
  }
  const { embed } = llm;
  return {
    model: llm.model,
    answer: timed('answer', (request) => llm.answer(request)),
    translate: timed('translate', (text, from, to) => llm.translate(text, from, to)),
    summarize: timed('summarize', (turns, to) => llm.summarize(turns, to)),
    classifyEscalation: timed('classify_escalation', (text) => llm.classifyEscalation(text)),
    translateKnowledge: timed('translate_knowledge', (entry, from, to, signal) => llm.translateKnowledge(entry, from, to, signal)),
    ...(embed && { embed: timed('embed', (texts: readonly string[], signal?: AbortSignal) => embed(texts, signal)) }),
  };
}
