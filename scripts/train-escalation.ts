/**
 * `npm run train:escalation`: rebuilds data/escalation/model.bin from data/escalation/train/*.tsv and the
 * shipped knowledge bases' questions (see shippedTrainingRows).
 * Deterministic: the same data gives the same bytes. Prints the cross-validated thresholds it chose.
 */
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { buildEscalationClassifierFile, shippedTrainingRows } from '../src/understanding/escalation-training.js';
import { encodeModelFile } from '../src/understanding/model-file.js';
import { ESCALATION_MODEL_PATH } from '../src/understanding/escalation-classifier.js';

const started = performance.now();
const rows = shippedTrainingRows();
const file = buildEscalationClassifierFile(rows);
const bytes = encodeModelFile(file);
writeFileSync(ESCALATION_MODEL_PATH, bytes);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`trained on ${rows.length} rows in ${seconds} s; thresholds ${JSON.stringify(file.thresholds)}`);
console.log(`wrote ${ESCALATION_MODEL_PATH} (${(bytes.length / 1024 / 1024).toFixed(2)} MiB, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)})`);
