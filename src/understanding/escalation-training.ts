/**
 * Training the escalation classifier from data/escalation/train/*.tsv: rows → hashed features → softmax
 * regression (the frozen test sets are never read here). Used by `npm run train:escalation` and by the
 * benchmark's cross-validation.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fnv1a, hashedFeatures, type FeatureOptions } from './hashed-features.js';
import { train, predict, type LinearModel, type TrainingOptions } from './softmax-regression.js';
import { readTsv, DataFileError } from './labelled-rows.js';
import { ESCALATION_LABELS, isEscalationLabel, type EscalationLabel, type Thresholds } from './escalation-labels.js';
import type { ClassifierFile } from './model-file.js';
import { loadKnowledgeEntries } from '../engine/knowledge.js';
import { projectPath } from '../paths.js';
import { OFF_TOPIC_PATH, readOffTopic } from './knowledge-matcher.js';

export interface LabelledText {
  language: string;
  label: EscalationLabel;
  text: string;
}

export const ESCALATION_FEATURES: FeatureOptions = { dimensions: 1 << 18, charNgrams: [2, 5], wordBigrams: true };

export const ESCALATION_TRAINING: Omit<TrainingOptions, 'classes' | 'dimensions'> = { epochs: 12, learningRate: 0.3, l2: 1e-6, seed: 20261201 };

/** Every `<lang>.tsv` under `dir` (columns `label`, `text`), in file-name order so training is reproducible. */
export function readEscalationTrainingData(dir: string): LabelledText[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.tsv')).sort();
  return files.flatMap((name) =>
    readTsv(join(dir, name)).map((row, i): LabelledText => {
      const label = row.label ?? '';
      if (!isEscalationLabel(label)) throw new DataFileError(`${join(dir, name)}:${i + 2}: unknown label "${label}"`);
      return { language: name.split('.')[0] ?? '', label, text: row.text ?? '' };
    }),
  );
}

/** The knowledge bases that ship with the project: their questions teach the model what ordinary looks like. */
export const SHIPPED_KNOWLEDGE_BASES = [projectPath('knowledge', 'demo.yaml'), projectPath('knowledge', 'clinic.yaml')];

/**
 * Ordinary support questions, labelled `none`: the question variants of the shipped knowledge bases (but for
 * entries that hand off, which ask for a person) and the generic off-topic messages. Without them the model
 * only ever saw the cue words' innocent uses, and took "I want to send back a jacket" for a cry for help.
 */
export function readOrdinaryQuestions(knowledgeFiles: readonly string[], offTopicPath: string): LabelledText[] {
  const rows: LabelledText[] = [];
  for (const file of knowledgeFiles) {
    for (const entry of loadKnowledgeEntries(file)) {
      if (entry.handoff) continue;
      for (const [language, variants] of Object.entries(entry.questions)) for (const text of variants) rows.push({ language, label: 'none', text });
    }
  }
  for (const { language, text } of readOffTopic(offTopicPath)) rows.push({ language, label: 'none', text });
  return rows;
}

/**
 * Entries of the labelled knowledge bases (data/knowledge/<set>) whose customers rightly need a person (asking for
 * one, an emergency, a stolen card): their questions are not ordinary.
 */
export const PERSON_ENTRIES_PATH = projectPath('data', 'escalation', 'person-entries.tsv');

/**
 * The customers' questions to the labelled knowledge bases of one set (data/knowledge/<set>/<base>.tsv), labelled
 * `none`: those asking an entry that neither hands off nor is listed in {@link PERSON_ENTRIES_PATH}. Off-topic
 * questions are left out: some are other businesses' emergencies ("my bank card got blocked").
 */
export function readKnowledgeBaseQuestions(set: string): LabelledText[] {
  const dir = projectPath('data', 'knowledge', set);
  const personEntries = new Set(readTsv(PERSON_ENTRIES_PATH).map((row) => row.entry ?? ''));
  return readdirSync(dir)
    .filter((name) => name.endsWith('.tsv'))
    .sort()
    .flatMap((name) => {
      const base = name.slice(0, -'.tsv'.length);
      const own = join(dir, `${base}.yaml`);
      const knowledgeFile = existsSync(own) ? own : projectPath('knowledge', `${base}.yaml`);
      const handsOff = new Set(loadKnowledgeEntries(knowledgeFile).flatMap((entry) => (entry.handoff ? [entry.id] : [])));
      return readTsv(join(dir, name)).flatMap((row): LabelledText[] => {
        const expected = row.expected ?? 'none';
        if (expected === 'none' || handsOff.has(expected) || personEntries.has(expected)) return [];
        return [{ language: row.lang ?? 'en', label: 'none', text: row.text ?? '' }];
      });
    });
}

/**
 * Everything the shipped model learns from, in a fixed order: the labelled rows, the ordinary questions, and the
 * customers' questions of the knowledge bases' dev sets. Those taught the model that "Jeg må avbestille timen min på
 * fredag" (cancel my Friday appointment) is not bereavement nor "the price of a linen shirt" self-harm: short
 * routine questions in the less-written languages had been read by their spurious n-grams.
 */
export function shippedTrainingRows(): LabelledText[] {
  return [
    ...readEscalationTrainingData(projectPath('data', 'escalation', 'train')),
    ...readOrdinaryQuestions(SHIPPED_KNOWLEDGE_BASES, OFF_TOPIC_PATH),
    ...readKnowledgeBaseQuestions('dev'),
  ];
}

/**
 * Small classes count more, by the fourth root of how much smaller they are: balanced without overfitting the
 * rare ones. The square root, tried first, made the sensitive classes the default for wording the model had
 * never seen ("branch hrs pls" → bereavement): on the validation sets it caught 3 points more and raised false
 * alarms on ordinary questions from 4.4% to 6.2%.
 */
const CLASS_BALANCE_POWER = 0.25;
function classWeights(rows: readonly LabelledText[]): Map<EscalationLabel, number> {
  const counts = new Map<EscalationLabel, number>();
  for (const row of rows) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  const mean = rows.length / counts.size;
  return new Map([...counts].map(([label, count]) => [label, Math.pow(mean / count, CLASS_BALANCE_POWER)]));
}

export function trainEscalationModel(rows: readonly LabelledText[]): LinearModel {
  const weights = classWeights(rows);
  const examples = rows.map((row) => ({
    features: hashedFeatures(row.text, ESCALATION_FEATURES),
    label: ESCALATION_LABELS.indexOf(row.label),
    weight: weights.get(row.label) ?? 1,
  }));
  return train(examples, { ...ESCALATION_TRAINING, classes: ESCALATION_LABELS.length, dimensions: ESCALATION_FEATURES.dimensions });
}

/** Out-of-fold class probabilities for every row: k models, each trained without one fold (folds by text hash). */
export function crossValidate(rows: readonly LabelledText[], folds: number): Float64Array[] {
  const foldOf = rows.map((row) => fnv1a(row.text) % folds);
  const out: Float64Array[] = new Array<Float64Array>(rows.length);
  for (let fold = 0; fold < folds; fold += 1) {
    const model = trainEscalationModel(rows.filter((_, i) => foldOf[i] !== fold));
    rows.forEach((row, i) => {
      if (foldOf[i] === fold) out[i] = predict(model, hashedFeatures(row.text, ESCALATION_FEATURES));
    });
  }
  return out;
}

/**
 * Chosen on validation sets the model never trains on: the first wave's examples
 * (data/escalation/test/regression.tsv) and the ordinary questions of the knowledge bases' dev sets
 * (data/knowledge/dev): the highest F1 whose false alarms stay at most 3% (0.6: F1 0.911, 2.9% false alarms;
 * 0.5 would be F1 0.913 at 4.0%). The band around it is where most of those sets' errors lie. Cross-validation
 * on the training data was tried first and asked for 0.89: the training set's hard negatives are harder than
 * customers' messages, and recall fell by a fifth for nothing. Since session 9 the dev bases' questions are trained
 * on; the fresh bases' routine questions (bench:escalation prints their false alarms) are the check now.
 */
export const ESCALATION_THRESHOLDS: Thresholds = { escalate: 0.6, uncertainBelow: 0.3, uncertainAbove: 0.85 };

/** The shipped model: trained on all rows, with the thresholds recorded in its header. */
export function buildEscalationClassifierFile(rows: readonly LabelledText[], thresholds = ESCALATION_THRESHOLDS): ClassifierFile & { thresholds: Thresholds } {
  const digest = createHash('sha256');
  for (const row of rows) digest.update(`${row.language}\t${row.label}\t${row.text}\n`);
  return {
    classes: [...ESCALATION_LABELS],
    features: ESCALATION_FEATURES,
    model: trainEscalationModel(rows),
    thresholds,
    info: { rows: rows.length, dataSha256: digest.digest('hex'), thresholds, training: ESCALATION_TRAINING },
  };
}
