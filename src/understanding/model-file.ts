/**
 * The on-disk form of a trained linear text classifier: a magic line, a JSON header (class names, feature
 * options, anything the trainer wants to record) and the weights quantized to one signed byte each. Bytes
 * only depend on the model, so retraining on the same data reproduces the same file.
 */
import { z } from 'zod';
import type { FeatureOptions } from './hashed-features.js';
import type { LinearModel } from './softmax-regression.js';

const MAGIC = 'SBLM1\n';

const headerSchema = z.object({
  classes: z.array(z.string()).min(2),
  features: z.object({
    dimensions: z.number().int().positive(),
    charNgrams: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    wordBigrams: z.boolean(),
  }),
  /** Weight = stored byte × scale. */
  scale: z.number().positive(),
  info: z.record(z.string(), z.unknown()),
});

export interface ClassifierFile {
  classes: string[];
  features: FeatureOptions;
  model: LinearModel;
  /** Free-form facts about the training run (data hash, row counts). */
  info: Record<string, unknown>;
}

export class ModelFileError extends Error {}

export function encodeModelFile(file: ClassifierFile): Buffer {
  const { model } = file;
  let max = 0;
  for (const w of model.weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 127 : 1;
  const quantized = new Int8Array(model.weights.length);
  for (let i = 0; i < model.weights.length; i += 1) quantized[i] = Math.round((model.weights[i] ?? 0) / scale);
  const header = Buffer.from(JSON.stringify({ classes: file.classes, features: file.features, scale, info: file.info }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const bias = Buffer.from(Float32Array.from(model.bias).buffer);
  return Buffer.concat([Buffer.from(MAGIC, 'ascii'), length, header, Buffer.from(quantized.buffer), bias]);
}

export function decodeModelFile(bytes: Buffer): ClassifierFile {
  if (bytes.subarray(0, MAGIC.length).toString('ascii') !== MAGIC) throw new ModelFileError('not a Switchboard model file (bad magic)');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  const header = headerSchema.parse(JSON.parse(bytes.subarray(headerStart, headerStart + headerLength).toString('utf8')));
  const classes = header.classes.length;
  const size = header.features.dimensions * classes;
  const weightsStart = headerStart + headerLength;
  if (bytes.length !== weightsStart + size + classes * 4) throw new ModelFileError(`model file has ${bytes.length} bytes, expected ${weightsStart + size + classes * 4}`);
  const quantized = new Int8Array(bytes.buffer, bytes.byteOffset + weightsStart, size);
  const weights = new Float32Array(size);
  for (let i = 0; i < size; i += 1) weights[i] = (quantized[i] ?? 0) * header.scale;
  const bias = new Float32Array(classes);
  for (let c = 0; c < classes; c += 1) bias[c] = bytes.readFloatLE(weightsStart + size + c * 4);
  return {
    classes: header.classes,
    features: { dimensions: header.features.dimensions, charNgrams: header.features.charNgrams, wordBigrams: header.features.wordBigrams },
    model: { classes, dimensions: header.features.dimensions, weights, bias },
    info: header.info,
  };
}
