/**
 * `npm run kb:check FILE`: validates a knowledge base and reports what would trouble customers (see
 * src/engine/knowledge-check.ts), then what the bot answers for each question variant when it has not seen
 * it. Exits 1 on an invalid file or a question listed under two entries, 0 otherwise (the rest are warnings).
 */
import { countSmsSegments } from '../adapters/twilio/sms-segments.js';
import { KnowledgeBaseError, loadKnowledgeBase } from '../src/engine/knowledge.js';
import { checkKnowledgeBase } from '../src/engine/knowledge-check.js';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: npm run kb:check FILE (a knowledge base YAML file, e.g. knowledge/demo.yaml)');
  process.exit(2);
}
let knowledge;
try {
  knowledge = loadKnowledgeBase(file);
} catch (error) {
  if (!(error instanceof KnowledgeBaseError)) throw error;
  console.error(`invalid: ${error.message}`);
  process.exit(1);
}
const findings = checkKnowledgeBase(knowledge.entries, { smsSegments: (text) => countSmsSegments(text).segments });
console.log(`${file}: ${knowledge.entries.length} entries, answers in ${knowledge.languages.join(', ')}`);
for (const d of findings.duplicateQuestions) console.log(`error: the question "${d.text}" is listed under ${d.entryIds.join(' and ')}`);
for (const p of findings.confusedPairs.filter((pair) => pair.count >= 2)) console.log(`warning: ${p.entryIds.join(' and ')} are hard to tell apart (${p.count} held-out variants went to the other); make their variants more distinct, or merge them`);
for (const m of findings.missingAnswers) console.log(`warning: ${m.entryId} is asked in "${m.language}" but has no answer there (the default-language answer is sent, or the model's translation)`);
for (const l of findings.longSmsAnswers) console.log(`warning: ${l.entryId} costs ${l.segments} SMS segments in "${l.language}"; add a one-segment \`short\` answer`);
const kinds = findings.kinds.map((k) => `${k.entryId} (${k.kind}, ${(k.share * 100).toFixed(0)}%)`);
console.log(
  `\nentries asking a kind of question common to FAQs, known in other phrasings and languages from other businesses' customers: ${kinds.length === 0 ? 'none' : kinds.join(', ')};` +
    ' give the others more variants, in the words and languages your customers use',
);
console.log(`\nwhat the bot answers for each variant it was not trained on (cross-validated): ${(findings.accuracy * 100).toFixed(1)}% right`);
for (const v of findings.variants) {
  const mark = v.got === v.entryId ? 'ok  ' : 'MISS';
  console.log(`${mark} ${v.entryId.padEnd(28)} ${v.language}  ${JSON.stringify(v.text)}${v.got === v.entryId ? '' : ` → ${v.got}`}`);
}
// exitCode, not exit(): a piped stdout must be flushed before the process ends.
process.exitCode = findings.duplicateQuestions.length > 0 ? 1 : 0;
