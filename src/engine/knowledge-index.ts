/**
 * A small TF-IDF index over short texts (question variants), compared by cosine similarity. Vectors are
 * computed once at construction; scoring a query only vectorizes the query and takes dot products.
 */
import { editDistance, normalizeText, wordFeatures, words, type WeightedWord } from './text-normalize.js';

/** A text to index, with the item it stands for and the group (entry) it belongs to. */
export interface IndexedText<T> {
  item: T;
  group: string;
  text: string;
}

export interface ScoredItem<T> {
  item: T;
  /** Cosine similarity in [0, 1]. */
  score: number;
}

/** Scores every indexed text against a query. */
export interface TfIdfIndex<T> {
  score(query: string): ScoredItem<T>[];
}

type Vector = ReadonlyMap<string, number>;

/** Shorter words are left alone: one edit turns most 3-letter words into another real word. */
const MIN_CORRECTABLE_LENGTH = 4;
/** Questions are short; a pasted e-mail is cut here so spelling correction stays cheap. */
const MAX_QUERY_WORDS = 40;
/** A corrected word is a guess ("heute" becomes French "heure"), so it counts less than a word as typed. */
const CORRECTION_WEIGHT = 0.5;

/**
 * Builds the index. Document frequency is counted per group rather than per text: a feature that appears
 * in every entry ("how", "do I") says nothing about which entry is meant, however many variants repeat it.
 */
export function createTfIdfIndex<T>(texts: readonly IndexedText<T>[]): TfIdfIndex<T> {
  const groupsOf = new Map<string, Set<string>>();
  const vocabulary = new Set<string>();
  const featuresOf = texts.map((text) => {
    const folded = words(normalizeText(text.text));
    for (const word of folded) vocabulary.add(word);
    const features = wordFeatures(folded);
    for (const feature of features.keys()) {
      const groups = groupsOf.get(feature) ?? new Set<string>();
      groups.add(text.group);
      groupsOf.set(feature, groups);
    }
    return features;
  });
  const groupCount = new Set(texts.map((text) => text.group)).size;
  // Smoothed IDF; a feature never seen in the index gets the highest weight, so unknown words in a query
  // (gibberish, off-topic text) dilute its similarity instead of being silently dropped.
  const idfFor = (documentFrequency: number): number => Math.log((groupCount + 1) / (documentFrequency + 1)) + 1;
  const unknownIdf = idfFor(0);
  const idf = new Map<string, number>();
  for (const [feature, groups] of groupsOf) idf.set(feature, idfFor(groups.size));

  const vectorize = (counts: ReadonlyMap<string, number>): Vector => {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [feature, count] of counts) {
      // Sublinear TF above 1, so a repeated word does not outweigh a second, different matching word;
      // below 1 (stop words) the count is already a weight.
      const tf = count > 1 ? 1 + Math.log(count) : count;
      const weight = tf * (idf.get(feature) ?? unknownIdf);
      vector.set(feature, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    for (const [feature, weight] of vector) vector.set(feature, weight / norm);
    return vector;
  };

  // Spelling correction for query words the index has never seen: n-grams alone leave a short misspelt
  // word ("refnd") with too few shared grams to clear the threshold.
  const correct = (word: string): WeightedWord => {
    if (vocabulary.has(word) || word.length < MIN_CORRECTABLE_LENGTH) return { word, weight: 1 };
    const max = word.length >= 8 ? 2 : 1;
    let best = word;
    let bestDistance = max + 1;
    let tied = false;
    for (const candidate of vocabulary) {
      const distance = editDistance(word, candidate, max);
      if (distance < bestDistance) [best, bestDistance, tied] = [candidate, distance, false];
      else if (distance === bestDistance) tied = true;
    }
    // Two equally close words ("wher": where or when?) mean we cannot tell; the n-grams still can.
    return bestDistance <= max && !tied ? { word: best, weight: CORRECTION_WEIGHT } : { word, weight: 1 };
  };

  // Inverted index: a query only touches the variants that share one of its features.
  const items = texts.map((text) => text.item);
  const postings = new Map<string, { document: number; weight: number }[]>();
  featuresOf.forEach((features, document) => {
    for (const [feature, weight] of vectorize(features)) {
      const list = postings.get(feature) ?? [];
      list.push({ document, weight });
      postings.set(feature, list);
    }
  });

  return {
    score(query) {
      const queryWords = words(normalizeText(query)).slice(0, MAX_QUERY_WORDS);
      const queryVector = vectorize(wordFeatures(queryWords.map(correct)));
      const dots = new Float64Array(items.length);
      for (const [feature, queryWeight] of queryVector) {
        for (const { document, weight } of postings.get(feature) ?? []) dots[document] = (dots[document] ?? 0) + queryWeight * weight;
      }
      return items.map((item, document) => ({ item, score: dots[document] ?? 0 }));
    },
  };
}
