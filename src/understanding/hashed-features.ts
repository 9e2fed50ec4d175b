/**
 * Hashed text features for the learned parts of understanding (escalation classifier, knowledge matcher):
 * character n-grams of folded text (typos, inflection, missing diacritics, scripts without spaces), words and
 * word pairs, plus a few surface signals folding would erase (emoji, shouting, "!!!"). Features are hashed into
 * a fixed number of buckets, so a model is a plain array whose size does not grow with its vocabulary.
 */
import { normalizeText, words } from '../engine/text-normalize.js';

/** A sparse vector: parallel arrays of bucket indices (distinct) and values. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

export interface FeatureOptions {
  /** Number of hash buckets; a power of two. */
  dimensions: number;
  /** Shortest and longest character n-gram, over the whole folded text padded with spaces. */
  charNgrams: readonly [number, number];
  /** Word bigrams as well as words. */
  wordBigrams: boolean;
}

/** Longer texts are cut: what a customer wants is said in the first few sentences, and the cost stays bounded. */
export const MAX_FEATURE_TEXT = 600;

/** FNV-1a over UTF-16 code units: fast, stable across runs and platforms, good enough spread for buckets. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const EMOJI = /\p{Extended_Pictographic}/gu;
const LETTER = /\p{L}/gu;
const UPPER = /\p{Lu}/gu;

/** Signals of tone that {@link normalizeText} removes: they help tell an angry message from a calm one. */
function surfaceFeatures(text: string): string[] {
  const found: string[] = [];
  for (const emoji of new Set(text.match(EMOJI) ?? [])) found.push(`e:${emoji}`);
  const letters = text.match(LETTER)?.length ?? 0;
  const upper = text.match(UPPER)?.length ?? 0;
  if (letters >= 8 && upper / letters > 0.7) found.push('s:caps');
  if (/[!?]{3,}/.test(text)) found.push('s:punct');
  return found;
}

/**
 * Features of one text, plus `extra` named features the caller derived (stems, synonym concepts): each named
 * feature is hashed to a bucket; counts are damped (1 + log) so a repeated
 * word does not dominate, and the vector is scaled to unit length so long and short messages compare.
 */
export function hashedFeatures(text: string, options: FeatureOptions, extra: readonly string[] = []): SparseVector {
  const raw = text.slice(0, MAX_FEATURE_TEXT);
  // Digits say nothing about intent ("order 48213"), but that a number is there can: runs fold to one mark.
  const folded = normalizeText(raw).replace(/\p{N}+/gu, '#');
  const counts = countsFor(options.dimensions);
  const mask = options.dimensions - 1;
  const addHash = (hash: number): void => counts.add((hash >>> 0) & mask);
  const add = (feature: string): void => addHash(fnv1a(feature));
  // Character n-grams are hashed in place, continuing FNV-1a from a per-length seed ("c3:"), so a message of
  // a few hundred characters costs no string allocations: this loop is most of the classifier's time.
  const padded = ` ${folded} `;
  const [shortest, longest] = options.charNgrams;
  for (let n = shortest; n <= longest; n += 1) {
    const seed = fnv1a(`c${n}:`);
    for (let i = 0; i + n <= padded.length; i += 1) {
      let hash = seed;
      for (let j = i; j < i + n; j += 1) hash = Math.imul(hash ^ padded.charCodeAt(j), 0x01000193);
      addHash(hash);
    }
  }
  const tokens = words(folded);
  tokens.forEach((word, i) => {
    add(`w:${word}`);
    if (options.wordBigrams && i > 0) add(`b:${tokens[i - 1] ?? ''} ${word}`);
  });
  for (const feature of surfaceFeatures(raw)) add(feature);
  for (const feature of extra) add(feature);
  return counts.takeUnitVector();
}

/** a + b, for vectors over the same buckets (a bucket in both sums its values). */
export function sumOfVectors(a: SparseVector, b: SparseVector): SparseVector {
  if (b.indices.length === 0) return a;
  const sums = new Map<number, number>();
  for (const vector of [a, b]) vector.indices.forEach((bucket, i) => sums.set(bucket, (sums.get(bucket) ?? 0) + (vector.values[i] ?? 0)));
  return { indices: Uint32Array.from(sums.keys()), values: Float32Array.from(sums.values()) };
}

/**
 * Bucket counts of the text being featurized, in a dense array reused across calls (one per dimension count):
 * a Map per message was most of the classifier's time after the n-gram loop. Single-threaded, and every call
 * empties what it filled, so reuse is safe.
 */
class BucketCounts {
  private readonly counts: Uint16Array;
  private touched = new Uint32Array(1024);
  private size = 0;

  constructor(dimensions: number) {
    this.counts = new Uint16Array(dimensions);
  }

  add(bucket: number): void {
    const count = this.counts[bucket] ?? 0;
    if (count === 0) {
      if (this.size === this.touched.length) {
        const grown = new Uint32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.size] = bucket;
      this.size += 1;
    }
    // Saturates rather than wraps: a count that high is damped to the same feature value anyway.
    if (count < 0xffff) this.counts[bucket] = count + 1;
  }

  /** Damped counts (1 + log) scaled to unit length; leaves the counts empty for the next text. */
  takeUnitVector(): SparseVector {
    const indices = this.touched.slice(0, this.size);
    const values = new Float32Array(this.size);
    let norm = 0;
    for (let i = 0; i < this.size; i += 1) {
      const bucket = indices[i] ?? 0;
      const value = 1 + Math.log(this.counts[bucket] ?? 1);
      this.counts[bucket] = 0;
      values[i] = value;
      norm += value * value;
    }
    this.size = 0;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < values.length; i += 1) values[i] = (values[i] ?? 0) * scale;
    return { indices, values };
  }
}

const countsByDimensions = new Map<number, BucketCounts>();

function countsFor(dimensions: number): BucketCounts {
  let counts = countsByDimensions.get(dimensions);
  if (!counts) {
    counts = new BucketCounts(dimensions);
    countsByDimensions.set(dimensions, counts);
  }
  return counts;
}
