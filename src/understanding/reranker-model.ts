/**
 * The reranker's learnt weights (data/knowledge/reranker.json, written by `npm run train:reranker`): a logistic
 * model over the candidate features of answer-reranker.ts, standardized with the training data's means and
 * scales. Validated when read, so a file that no longer fits the code fails at start with its path and fix.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../paths.js';
import { RERANK_FEATURES } from './answer-reranker.js';
import { train } from './softmax-regression.js';

export const RERANKER_PATH = projectPath('data', 'knowledge', 'reranker.json');

const numbers = z.array(z.number().finite()).length(RERANK_FEATURES.length);

const rerankerSchema = z.object({
  features: z.array(z.string()).refine((names) => names.join() === RERANK_FEATURES.join(), 'lists other features than the code computes'),
  mean: numbers,
  scale: numbers,
  weights: numbers,
  bias: z.number().finite(),
  /** Scores at or above this answer (chosen by cross-validation across the training bases). */
  answerAt: z.number().min(0).max(1),
  /** A runner-up at or above this, close to the best, makes a question back. */
  clarifyAt: z.number().min(0).max(1),
  /** What it was trained on, for people reading the file. */
  trainedOn: z.string(),
});

export type RerankerModel = z.infer<typeof rerankerSchema>;

/** The log odds that a candidate, judged alone, is the entry the message asks. */
function logOdds(model: RerankerModel, features: Float64Array): number {
  let sum = model.bias;
  for (let i = 0; i < features.length; i += 1) sum += (model.weights[i] ?? 0) * (((features[i] ?? 0) - (model.mean[i] ?? 0)) / (model.scale[i] ?? 1));
  return sum;
}

/**
 * The probability that each candidate is the entry the message asks, the candidates and "none of them"
 * sharing one unit: each candidate's odds over one plus all their odds. A candidate alone keeps its logistic
 * probability; two that both look right split it, so they are asked back about rather than one picked.
 */
export function rerankedProbabilities(model: RerankerModel, candidates: readonly { features: Float64Array }[]): number[] {
  const odds = candidates.map((candidate) => Math.exp(Math.min(30, logOdds(model, candidate.features))));
  const total = odds.reduce((sum, o) => sum + o, 1);
  return odds.map((o) => o / total);
}

/** A runner-up (at least the model's `clarifyAt`) this close to the best makes a question back instead of a coin toss. */
const CLARIFY_GAP = 0.25;

export interface RankedCandidate {
  /** Index into the candidates given. */
  at: number;
  /** The reranked probability. */
  score: number;
}

export type RerankVerdict =
  | { kind: 'answer'; best: RankedCandidate }
  | { kind: 'clarify'; best: RankedCandidate; runnerUp: RankedCandidate }
  /** None likely enough; `ranked` are all the candidates, best first (the nearest may still be suggested). */
  | { kind: 'none'; ranked: RankedCandidate[] };

/** The candidates by reranked probability, best first. */
export function rankCandidates(model: RerankerModel, candidates: readonly { features: Float64Array }[]): RankedCandidate[] {
  return rerankedProbabilities(model, candidates)
    .map((score, at) => ({ at, score }))
    .sort((a, b) => b.score - a.score);
}

/**
 * Answer, ask back or decline: a question back when the two best are about equally likely and both likely
 * enough; an answer when the best is likely enough.
 */
export function rerankVerdict(model: RerankerModel, candidates: readonly { features: Float64Array }[]): RerankVerdict {
  const ranked = rankCandidates(model, candidates);
  const [best, runnerUp] = ranked;
  if (best === undefined) return { kind: 'none', ranked };
  if (runnerUp !== undefined && runnerUp.score >= model.clarifyAt && best.score - runnerUp.score < CLARIFY_GAP) return { kind: 'clarify', best, runnerUp };
  return best.score >= model.answerAt ? { kind: 'answer', best } : { kind: 'none', ranked };
}

export interface LabelledCandidates {
  candidates: readonly { features: Float64Array }[];
  /** Index into `candidates` of the right entry; undefined when none of them is (or the message is off-topic). */
  right: number | undefined;
}

const TRAINING = { epochs: 30, learningRate: 0.1, l2: 1e-4, seed: 20261202 };

/** Fits the weights (deterministic); the thresholds are the caller's. */
export function trainReranker(
  messages: readonly LabelledCandidates[],
  thresholds: { answerAt: number; clarifyAt: number },
  trainedOn: string,
): RerankerModel {
  const all = messages.flatMap((message) => message.candidates.map((candidate) => candidate.features));
  const count = RERANK_FEATURES.length;
  const mean = Array.from({ length: count }, (_, i) => all.reduce((sum, f) => sum + (f[i] ?? 0), 0) / Math.max(1, all.length));
  const scale = mean.map((m, i) => Math.sqrt(all.reduce((sum, f) => sum + ((f[i] ?? 0) - m) ** 2, 0) / Math.max(1, all.length)) || 1);
  const standardized = (features: Float64Array) => ({
    indices: Uint32Array.from(mean.keys()),
    values: Float32Array.from(mean, (m, i) => ((features[i] ?? 0) - m) / (scale[i] ?? 1)),
  });
  const model = train(
    messages.flatMap((message) => message.candidates.map((candidate, i) => ({ features: standardized(candidate.features), label: i === message.right ? 1 : 0 }))),
    { ...TRAINING, classes: 2, dimensions: count },
  );
  // Two softmax classes are one logistic model: the difference of their weights.
  const weights = mean.map((_, i) => round((model.weights[i * 2 + 1] ?? 0) - (model.weights[i * 2] ?? 0)));
  return {
    features: [...RERANK_FEATURES],
    mean: mean.map(round),
    scale: scale.map(round),
    weights,
    bias: round((model.bias[1] ?? 0) - (model.bias[0] ?? 0)),
    ...thresholds,
    trainedOn,
  };
}

/** Six significant digits: the file stays readable and diffs stay small; the scores move by far less than a threshold step. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}

let shipped: RerankerModel | undefined;

export class RerankerFileError extends Error {}

/** The shipped weights, read and checked once. */
export function shippedReranker(path = RERANKER_PATH): RerankerModel {
  if (shipped !== undefined && path === RERANKER_PATH) return shipped;
  const parsed = rerankerSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new RerankerFileError(`${path}: ${problems}; run \`npm run train:reranker\` to rebuild it`);
  }
  if (path === RERANKER_PATH) shipped = parsed.data;
  return parsed.data;
}
