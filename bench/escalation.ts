/**
 * Escalation benchmark (`npm run bench:escalation [-- --pages 50]`). Prints, asserts nothing:
 * 1. the detector's precision and recall on the held-out set (bench/escalation-heldout.ts), per language and
 *    overall, whether the reason was right, and every miss and false alarm;
 * 2. the time from a customer's request for a person to the queue post reaching Slack: the real service
 *    (SQLite in a temp dir, engine, handoff queue, @slack/web-api client) against the fake Slack Web API,
 *    measured from sending the web message to the fake receiving chat.postMessage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createEscalationDetector } from '../src/engine/escalation.js';
import { startService } from '../src/service.js';
import { startFakeSlack } from '../test/fakes/fake-slack.js';
import { eventually } from '../test/support/eventually.js';
import { slackTestEnv, SLACK_TEST_QUEUE } from '../test/support/slack-requests.js';
import { postWebMessage } from '../test/support/web-requests.js';
import { ESCALATION_HELDOUT } from './escalation-heldout.js';

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  rightReason: number;
}

const percent = (n: number, d: number): string => (d === 0 ? '  n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function measureDetector(): void {
  const detector = createEscalationDetector();
  const total: Counts = { tp: 0, fp: 0, fn: 0, tn: 0, rightReason: 0 };
  const mistakes: string[] = [];
  console.log('escalation detector on the held-out set (escalate or not; reason right among true positives)');
  console.log('lang  examples  precision  recall  reason right');
  for (const [language, examples] of Object.entries(ESCALATION_HELDOUT)) {
    const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0, rightReason: 0 };
    for (const [text, expected] of examples) {
      const got = detector.detect(text, { language })?.reason;
      if (expected && got) {
        c.tp += 1;
        if (got === expected) c.rightReason += 1;
        else mistakes.push(`  ${language} wrong reason: ${JSON.stringify(text)} → ${got}, expected ${expected}`);
      } else if (expected) {
        c.fn += 1;
        mistakes.push(`  ${language} missed (${expected}): ${JSON.stringify(text)}`);
      } else if (got) {
        c.fp += 1;
        mistakes.push(`  ${language} false alarm (${got}): ${JSON.stringify(text)}`);
      } else c.tn += 1;
    }
    for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += c[key];
    console.log(`${language.padEnd(4)}  ${String(examples.length).padStart(8)}  ${percent(c.tp, c.tp + c.fp).padStart(9)}  ${percent(c.tp, c.tp + c.fn)}  ${percent(c.rightReason, c.tp).padStart(12)}`);
  }
  const n = total.tp + total.fp + total.fn + total.tn;
  console.log(`all   ${String(n).padStart(8)}  ${percent(total.tp, total.tp + total.fp).padStart(9)}  ${percent(total.tp, total.tp + total.fn)}  ${percent(total.rightReason, total.tp).padStart(12)}`);
  console.log(`(${total.tp + total.fn} should escalate, ${total.fp + total.tn} should not; ${total.fp} false alarms, ${total.fn} misses)`);
  if (mistakes.length > 0) console.log(mistakes.join('\n'));
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

measureDetector();
await measurePageLatency(arg('pages', 50));
