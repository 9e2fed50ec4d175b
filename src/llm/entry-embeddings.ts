/**
 * Retrieval by meaning for the model's grounded answers: every knowledge entry (its default-language
 * questions and answer) is embedded once, in the background after start-up, through the endpoint's
 * `/v1/embeddings`; a question's passages are then the entries nearest to it by cosine similarity, whatever
 * language it is in. Until the entries are embedded, or when the endpoint fails, `nearest` says it cannot
 * tell and the answer step ranks with the offline matcher instead.
 */
import type { Logger } from '../logger.js';
import type { KnowledgeEntry } from '../engine/knowledge.js';
import type { Llm } from '../engine/llm.js';
import type { EntryRetriever } from '../engine/llm-answer-step.js';
import { redactPii } from '../engine/pii.js';
import { translationSource } from './translated-knowledge.js';

export interface EntryEmbeddingsOptions {
  embed: NonNullable<Llm['embed']>;
  /** The knowledge file's entries; the vectors are kept in memory for this file only. */
  entries: readonly KnowledgeEntry[];
  defaultLanguage: string;
  logger: Logger;
}

export interface EntryEmbeddings extends EntryRetriever {
  /** Embeds the entries in the background; returns at once. */
  start(): void;
  /** Cancels the request in flight and resolves when it has ended. */
  stop(): Promise<void>;
}

/** Cosine similarity; 0 when either vector is all zeros. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

export function createEntryEmbeddings(options: EntryEmbeddingsOptions): EntryEmbeddings {
  const { embed, entries } = options;
  const logger = options.logger.child({ component: 'entry-embeddings' });
  const cancel = new AbortController();
  let vectors: { id: string; vector: number[] }[] | undefined;
  let running: Promise<void> = Promise.resolve();

  async function embedEntries(): Promise<void> {
    const texts = entries.map((entry) => {
      const { questions, answer } = translationSource(entry, options.defaultLanguage);
      return [...questions, answer].join('\n');
    });
    const result = await embed(texts, cancel.signal);
    // The client has logged why; the matcher ranks passages until the next start.
    if (!result.ok) return;
    vectors = entries.map((entry, i) => ({ id: entry.id, vector: result.vectors[i] ?? [] }));
    logger.info({ entries: entries.length }, 'knowledge entries embedded');
  }

  return {
    start() {
      running = embedEntries();
    },
    async stop() {
      cancel.abort();
      await running;
    },
    async nearest(question, limit) {
      const indexed = vectors;
      if (!indexed) return undefined;
      // The question is customer text: personal data never leaves, as for the chat model.
      const result = await embed([redactPii(question).text]);
      const [query] = result.ok ? result.vectors : [];
      if (!query) return undefined;
      return indexed
        .map(({ id, vector }) => ({ id, similarity: cosineSimilarity(query, vector) }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, limit)
        .map(({ id }) => id);
    },
  };
}
