/**
 * The two figures of the LLM feature's closing note. Added latency per answer when the model answers: the
 * real engine and SQLite store, once offline and once with the real `openai` client against the local fake
 * server (which answers at once), on messages the offline path cannot answer. Redaction recall: the share of
 * personal data in test/fixtures/pii-samples.ts that never reaches the model. Run: npm run bench:llm [-- messages]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openStore } from '../src/store/open-store.js';
import { loadKnowledgeBase } from '../src/engine/knowledge.js';
import { createTranslator } from '../src/i18n.js';
import { createEngine } from '../src/engine/engine.js';
import { createLanguageDetector } from '../src/engine/language-detector.js';
import { createLlm } from '../src/engine/llm.js';
import { createLlmAnswerStep } from '../src/engine/llm-answer-step.js';
import { projectPath } from '../src/paths.js';
import { redactPii } from '../src/engine/pii.js';
import { startFakeOpenAi } from '../test/fakes/fake-openai.js';
import { PII_NEGATIVES, PII_POSITIVES } from '../test/fixtures/pii-samples.js';
import { answerNow } from '../test/support/answer-now.js';
import { createOutbox } from '../src/outbox/outbox.js';

const count = Number(process.argv[2] ?? 300);
const logger = pino({ level: 'silent' });
const translator = createTranslator({ defaultLanguage: 'en' });
const detector = await createLanguageDetector({ languages: translator.languages });
const knowledge = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'));
const fake = await startFakeOpenAi();

async function run(withModel: boolean): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-llm-'));
  const store = await openStore({ dataDir: dir });
  await store.migrate();
  const llm = withModel ? createLlm({ apiKey: 'sk-bench', baseUrl: fake.baseUrl, model: 'fake', timeoutMs: 5000, logger }) : undefined;
  const engine = createEngine({
    store, knowledge, translator, defaultLanguage: 'en', logger, detector, outbox: createOutbox(store),
    ...(llm && { llm: createLlmAnswerStep({ llm, knowledge }) }),
  });
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await answerNow(store, engine, { externalId: `b${i}`, from: { channel: 'web', id: `v${i % 50}` }, text: `Do you have a shop in Riga where I can see product ${i}? mail me at a${i}@example.com`, receivedAt: new Date() });
    times.push(performance.now() - started);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
await run(false); // warm-up
const offline = await run(false);
const model = await run(true);
for (const [name, t] of [['offline', offline], ['with model', model]] as const) {
  console.log(`${name}: p50 ${pct(t, 50).toFixed(2)} ms, p95 ${pct(t, 95).toFixed(2)} ms over ${count} messages`);
}
console.log(`added per answer: p50 ${(pct(model, 50) - pct(offline, 50)).toFixed(2)} ms, p95 ${(pct(model, 95) - pct(offline, 95)).toFixed(2)} ms; requests seen by the fake: ${fake.requests.length}`);
await fake.close();

const hidden = PII_POSITIVES.filter(([text, , value]) => !redactPii(text).text.includes(value)).length;
const falseAlarms = PII_NEGATIVES.filter((text) => redactPii(text).vault.findings.some((f) => f.kind === 'CARD' || f.kind === 'IBAN' || f.kind === 'EMAIL')).length;
console.log(
  `redaction recall: ${hidden}/${PII_POSITIVES.length} (${((100 * hidden) / PII_POSITIVES.length).toFixed(1)}%); ` +
    `false card/IBAN/e-mail on clean text: ${falseAlarms}/${PII_NEGATIVES.length}`,
);
