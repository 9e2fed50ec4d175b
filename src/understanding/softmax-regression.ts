/**
 * Multinomial logistic regression over sparse hashed features: small, fast to train on a few thousand short
 * texts, fast to apply (one sparse dot product per class) and easy to ship as an array. Training is
 * deterministic: the same examples and options give the same weights, bit for bit (a seeded shuffle, no
 * threads, no clock).
 */
import type { SparseVector } from './hashed-features.js';
import { seededRandom } from './seeded-random.js';

export interface TrainingExample {
  features: SparseVector;
  /** Index into the model's classes. */
  label: number;
  /** How much this example counts (default 1): balances classes of very different sizes. */
  weight?: number;
}

export interface TrainingOptions {
  classes: number;
  dimensions: number;
  epochs: number;
  /** AdaGrad's base step. */
  learningRate: number;
  /** L2 penalty per update on the weights an example touches. */
  l2: number;
  seed: number;
}

/** A trained model: `weights[feature * classes + class]` (feature-major, so a sparse text touches few rows). */
export interface LinearModel {
  readonly classes: number;
  readonly dimensions: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** Below this, a class's gradient for an example is too small to matter. */
const NEGLIGIBLE_ERROR = 1e-4;

/** Class scores turned into probabilities in place (numerically stable softmax). */
function softmaxInPlace(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const score of scores) max = Math.max(max, score);
  let sum = 0;
  for (let c = 0; c < scores.length; c += 1) {
    const e = Math.exp((scores[c] ?? 0) - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c += 1) scores[c] = (scores[c] ?? 0) / sum;
  return scores;
}

/** Class scores of the sum of `parts` (the model is linear: the parts' scores add up, no summed vector needed). */
function scoresOf(weights: Float32Array | Float64Array, bias: Float32Array | Float64Array, classes: number, ...parts: SparseVector[]): Float64Array {
  const scores = new Float64Array(classes);
  for (let c = 0; c < classes; c += 1) scores[c] = bias[c] ?? 0;
  for (const x of parts) {
    for (let i = 0; i < x.indices.length; i += 1) {
      const row = (x.indices[i] ?? 0) * classes;
      const value = x.values[i] ?? 0;
      for (let c = 0; c < classes; c += 1) scores[c] = (scores[c] ?? 0) + value * (weights[row + c] ?? 0);
    }
  }
  return scores;
}

/** Class probabilities for one text's features, given whole or as parts that add up to them. */
export function predict(model: LinearModel, ...parts: SparseVector[]): Float64Array {
  return softmaxInPlace(scoresOf(model.weights, model.bias, model.classes, ...parts));
}

/** Trains with AdaGrad on the cross-entropy loss, one example at a time in a seeded order each epoch. */
export function train(examples: readonly TrainingExample[], options: TrainingOptions): LinearModel {
  const { classes, dimensions, learningRate, l2 } = options;
  const weights = new Float64Array(dimensions * classes);
  const squaredGradients = new Float64Array(dimensions * classes);
  const bias = new Float64Array(classes);
  const biasSquaredGradients = new Float64Array(classes);
  const random = seededRandom(options.seed);
  const order = examples.map((_, i) => i);
  const epsilon = 1e-8;
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    // Fisher–Yates with the seeded generator.
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    for (const index of order) {
      const example = examples[index];
      if (!example) continue;
      const { features: x, label } = example;
      const weight = example.weight ?? 1;
      const p = softmaxInPlace(scoresOf(weights, bias, classes, x));
      for (let c = 0; c < classes; c += 1) {
        const error = ((p[c] ?? 0) - (c === label ? 1 : 0)) * weight;
        // A class the model already rules out for this example has nothing to learn from it: skipping it makes
        // training with many classes (a large knowledge base) fast, and changes the weights negligibly.
        if (Math.abs(error) < NEGLIGIBLE_ERROR) continue;
        biasSquaredGradients[c] = (biasSquaredGradients[c] ?? 0) + error * error;
        bias[c] = (bias[c] ?? 0) - (learningRate * error) / Math.sqrt((biasSquaredGradients[c] ?? 0) + epsilon);
        for (let i = 0; i < x.indices.length; i += 1) {
          const at = (x.indices[i] ?? 0) * classes + c;
          const w = weights[at] ?? 0;
          const gradient = error * (x.values[i] ?? 0) + l2 * w;
          const g2 = (squaredGradients[at] ?? 0) + gradient * gradient;
          squaredGradients[at] = g2;
          weights[at] = w - (learningRate * gradient) / Math.sqrt(g2 + epsilon);
        }
      }
    }
  }
  return { classes, dimensions, weights: Float32Array.from(weights), bias: Float32Array.from(bias) };
}
