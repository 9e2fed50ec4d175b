/**
 * Groups the questions the bot could not answer by similarity, so staff see the knowledge base's gaps as topics
 * with counts instead of a list of messages. Each text becomes the hashed feature vector the understanding
 * models use (unit length, so a dot product is the cosine); a greedy pass puts each text into the first group
 * whose first member is close enough, else opens a new group. Order-dependent but linear in groups × texts,
 * which is what a page of at most a few thousand texts needs.
 */
import { hashedFeatures, type FeatureOptions, type SparseVector } from '../understanding/hashed-features.js';

export interface QuestionGroup {
  /** The group's first (newest) member as the customer wrote it. */
  example: string;
  count: number;
}

/** Character n-grams carry most of the similarity across typos and inflection; bigrams tell topics apart. */
const FEATURES: FeatureOptions = { dimensions: 1 << 18, charNgrams: [3, 5], wordBigrams: true };
/**
 * Chosen on a small set of paraphrased gaps (test/question-groups.test.ts): at 0.25 four topics of ten texts
 * come out as four groups; at 0.2 unrelated short questions merge, from 0.3 paraphrases split.
 */
const SAME_TOPIC = 0.25;

function cosine(a: SparseVector, b: SparseVector): number {
  const weights = new Map<number, number>();
  a.indices.forEach((index, i) => weights.set(index, a.values[i] ?? 0));
  let sum = 0;
  b.indices.forEach((index, i) => {
    sum += (weights.get(index) ?? 0) * (b.values[i] ?? 0);
  });
  return sum;
}

/** Largest groups first; ties keep the order of their examples (newest first when the texts are). */
export function groupQuestions(texts: readonly string[], threshold = SAME_TOPIC): QuestionGroup[] {
  const groups: { example: string; vector: SparseVector; count: number }[] = [];
  for (const text of texts) {
    const vector = hashedFeatures(text, FEATURES);
    const home = groups.find((group) => cosine(group.vector, vector) >= threshold);
    if (home) home.count += 1;
    else groups.push({ example: text, vector, count: 1 });
  }
  return groups.map(({ example, count }) => ({ example, count })).sort((a, b) => b.count - a.count);
}
