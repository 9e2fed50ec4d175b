/**
 * Escalation benchmark (`npm run bench:escalation [-- --pages 50 --mistakes --no-cv]`). Prints, asserts nothing:
 * 1. the classifier on the frozen test set (data/escalation/test/frozen.tsv, written apart from the code and
 *    the training data and never trained or tuned on), on the fresh set written after the first tuning
 *    (fresh.tsv), on a second (fresh2.tsv) and a third (fresh3.tsv) written later: precision, recall, F1
 *    and false alarms overall, per language and per reason, for the model with the explicit-request rule and
 *    for the model alone;
 * 2. 5-fold cross-validation on the training data (data/escalation/train);
 * 3. classification time per message (p50, p99) and the model's size;
 * 4. the time from a customer's request for a person to the queue post reaching Slack: the real service
 *    (SQLite in a temp dir, engine, handoff queue, @slack/web-api client) against the fake Slack Web API,
 *    measured from sending the web message to the fake receiving chat.postMessage.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { projectPath } from '../src/paths.js';
import { startService } from '../src/service.js';
import { ESCALATION_MODEL_PATH, loadEscalationClassifier, verdictFromProbabilities, type EscalationVerdict } from '../src/understanding/escalation-classifier.js';
import { ESCALATION_THRESHOLDS, crossValidate, readKnowledgeBaseQuestions, shippedTrainingRows } from '../src/understanding/escalation-training.js';
import { ESCALATION_LABELS } from '../src/understanding/escalation-labels.js';
import { readTsv } from '../src/understanding/labelled-rows.js';
import { startFakeSlack } from '../test/fakes/fake-slack.js';
import { eventually } from '../test/support/eventually.js';
import { slackTestEnv, SLACK_TEST_QUEUE } from '../test/support/slack-requests.js';
import { postWebMessage } from '../test/support/web-requests.js';
import { report, type TestRow } from './escalation-accuracy.js';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function testSet(name: string): TestRow[] {
  return readTsv(projectPath('data', 'escalation', 'test', `${name}.tsv`)).map((row) => ({
    language: row.lang ?? '',
    label: row.label ?? '',
    explicit: row.explicit === '1',
    text: row.text ?? '',
  }));
}

function measureClassifier(showMistakes: boolean): void {
  const withRules = loadEscalationClassifier();
  const modelAlone = loadEscalationClassifier(ESCALATION_MODEL_PATH, new Set());
  const frozen = testSet('frozen');
  const fresh = testSet('fresh');
  report('FROZEN test set (never trained or tuned on) — model + explicit-request rule', frozen, (t) => withRules.classify(t), { mistakes: showMistakes });
  report('FROZEN test set — model alone', frozen, (t) => modelAlone.classify(t), { mistakes: false });
  report('FRESH test set (written after tuning; the generalisation figure) — model + rule', fresh, (t) => withRules.classify(t), { mistakes: showMistakes });
  report('FRESH test set — model alone', fresh, (t) => modelAlone.classify(t), { mistakes: false });
  // The later sets, each with the model and rule; the third also with the model alone, as it always was.
  const laterSets: readonly (readonly [name: string, title: string])[] = [
    ['fresh2', "SECOND FRESH set (written after session 2's last change)"],
    ['fresh3', 'THIRD FRESH set (written apart from the code during session 3, measured once after its last change)'],
    ['fresh4', 'FOURTH FRESH set (written apart from the code during session 4; measured before and after its data change)'],
    ['fresh5', 'FIFTH FRESH set (written apart from the code during session 4, after the fourth; measured before and after the last data change)'],
    ['fresh6', "SIXTH FRESH set (written apart from the code during session 8, 16 messages a language; measured before and after that session's data changes)"],
    ['fresh7', 'SEVENTH FRESH set (written apart from the code during session 8 from the same brief as the sixth, by other helpers)'],
    ['fresh8', 'EIGHTH FRESH set (same brief, other helpers, written after the first of session 8\'s four data rounds)'],
    ['fresh9', 'NINTH FRESH set (same brief, other helpers, written after the third data round)'],
    ['fresh10', 'TENTH FRESH set (same brief, other helpers, written after the fourth data round)'],
    ['fresh11', 'ELEVENTH FRESH set (same brief, other helpers, written after the fifth data round, the last kept)'],
    ['fresh12', 'TWELFTH FRESH set (same brief, another helper, written in session 9 before its changes)'],
  ];
  const later = laterSets.map(([name, title]) => {
    const rows = testSet(name);
    report(`${title} — model + rule`, rows, (t) => withRules.classify(t), { mistakes: showMistakes });
    if (name === 'fresh3') report('THIRD FRESH set — model alone', rows, (t) => modelAlone.classify(t), { mistakes: false });
    return rows;
  });

  if (!process.argv.includes('--no-cv')) {
    const training = shippedTrainingRows();
    const outOfFold = new Map(crossValidate(training, 5).map((p, i) => [training[i]?.text ?? '', p]));
    report(
      `5-fold cross-validation on the training data (${training.length} rows; its hard negatives are the hardest of all sets)`,
      training.map((row) => ({ language: row.language, label: row.label, explicit: false, text: row.text })),
      (text) => verdictFromProbabilities(outOfFold.get(text) ?? new Float64Array(ESCALATION_LABELS.length), ESCALATION_THRESHOLDS),
      { mistakes: false },
    );
  }

  reportKnowledgeBaseFalseAlarms((t) => withRules.classify(t));

  const texts = [...frozen, ...fresh, ...later.flat()].map((row) => row.text);
  const times: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    for (const text of texts) {
      const started = performance.now();
      withRules.classify(text);
      times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => ((times[Math.floor((p / 100) * (times.length - 1))] ?? 0) * 1000).toFixed(1);
  console.log(`
classification time per message (${times.length} runs): p50 ${at(50)} µs, p99 ${at(99)} µs`);
  console.log(`model file: ${(statSync(ESCALATION_MODEL_PATH).size / 1024 / 1024).toFixed(2)} MiB`);
}

/**
 * How often a routine question to a knowledge base is sent to a person (a false alarm that also costs the
 * customer the answer), per set of labelled bases: the dev sets' questions are trained on since session 9, the
 * others never were.
 */
function reportKnowledgeBaseFalseAlarms(classify: (text: string) => EscalationVerdict): void {
  console.log('\nroutine questions to the labelled knowledge bases sent to a person (false alarms), by reason:');
  for (const set of ['dev', 'eval', 'fresh', 'fresh3', 'fresh4', 'fresh5', 'fresh6', 'fresh7']) {
    const rows = readKnowledgeBaseQuestions(set);
    const reasons = new Map<string, number>();
    for (const row of rows) {
      const { reason } = classify(row.text);
      if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const alarms = [...reasons.values()].reduce((a, b) => a + b, 0);
    const byReason = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${reason} ${n}`).join(', ');
    console.log(`  ${(set === 'dev' ? 'dev (trained on)' : set).padEnd(17)} ${String(rows.length).padStart(5)}  ${((100 * alarms) / rows.length).toFixed(1).padStart(5)}%  ${byReason}`);
  }
}

async function measurePageLatency(pages: number): Promise<void> {
  const slack = await startFakeSlack();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-escalation-'));
  const service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, ...slackTestEnv(slack.apiUrl) }), { logger: pino({ level: 'silent' }) });
  const queuePosts = () => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === SLACK_TEST_QUEUE && c.args.thread_ts === undefined);
  const times: number[] = [];
  try {
    // One warm-up page (module loading, statement caches), then one customer at a time.
    for (let i = 0; i <= pages; i += 1) {
      const before = queuePosts().length;
      const sentAt = performance.now();
      const res = await postWebMessage(service.url, { visitorId: `visitor_bench_${String(i).padStart(4, '0')}`, clientMessageId: `msg_bench_${i}_00000`, text: 'gribu runāt ar cilvēku', locale: 'lv' });
      if (res.status !== 202) throw new Error(`web message answered ${res.status}`);
      const post = await eventually(() => queuePosts()[before]);
      if (i > 0) times.push(post.receivedAt - sentAt);
    }
  } finally {
    await service.stop();
    await slack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => (times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0).toFixed(1);
  console.log(`\ncustomer asks for a person → queue post at the fake Slack (${pages} pages, one at a time, SQLite):`);
  console.log(`p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms`);
}

measureClassifier(process.argv.includes('--mistakes'));
if (arg('pages', 50) > 0) await measurePageLatency(arg('pages', 50));
