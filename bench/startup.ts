/**
 * Start-up benchmark (`npm run bench:startup [-- --runs 5]`). How long the service takes from process start to
 * serving, and its largest parts, each measured cold in a fresh Node process (median of the runs, 3 by
 * default): building the shipped synonym lexicon (data/knowledge/synonyms.tsv), loading the language
 * detector (eld's database, the letter table and the lexicon's vocabulary table), training the demo knowledge
 * base (knowledge/demo.yaml), and — for the whole — the time from spawning the compiled service
 * (`node dist/src/main.js`, as `npm start` runs it; built first if stale) on an empty SQLite store until its
 * "switchboard listening" log line. Each figure is wall-clock time and the CPU time (user + system, all threads)
 * the process spent meanwhile.
 *
 * Timings depend on the machine and what else runs on it: compare figures taken in the same conditions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLanguageDetector } from '../src/engine/language-detector.js';
import { loadKnowledgeBase } from '../src/engine/knowledge.js';
import { createTranslator } from '../src/i18n.js';
import { projectPath } from '../src/paths.js';
import { shippedSynonymLexicon } from '../src/understanding/synonym-lexicon.js';
import { cpuMs, startServer, stopServer } from './service-process.js';

const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 3) : 3;

/** Wall-clock time, and the CPU time spent meanwhile: on a shared machine the second varies less. */
interface Timing {
  wallMs: number;
  cpuMs: number;
}

interface Parts {
  lexicon: Timing;
  detector: Timing;
  training: Timing;
}

async function timed(work: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** In the child: each part once, in the order the service builds them, so none finds another's work done. */
async function measureParts(): Promise<Parts> {
  const lexicon = await timed(() => shippedSynonymLexicon());
  // Every language with a locale, as the service serves by default.
  const detector = await timed(() => createLanguageDetector({ languages: createTranslator({ defaultLanguage: 'en' }).languages }));
  const training = await timed(() => loadKnowledgeBase(projectPath('knowledge', 'demo.yaml')));
  return { lexicon, detector, training };
}

/** The parts measured in a fresh process: this script again, with `--parts`. */
function partsInChild(): Parts {
  const output = execFileSync(process.execPath, ['--import', 'tsx', projectPath('bench', 'startup.ts'), '--parts'], { cwd: projectPath(), encoding: 'utf8' });
  return JSON.parse(output) as Parts;
}

/** Spawn to "switchboard listening" of the compiled service, in an empty folder with its own store. */
async function listening(): Promise<Timing> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-startup-'));
  try {
    const server = await startServer('dist/src/main.js', { PORT: '0', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info' }, { cwd: dir });
    const timing = { wallMs: server.startupMs, cpuMs: cpuMs(server) };
    await stopServer(server);
    return timing;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function report(name: string, timings: readonly Timing[]): void {
  const figure = (values: number[]): string => `${String(Math.round(median(values))).padStart(6)} ms (${values.map((v) => Math.round(v)).join(', ')})`;
  console.log(`${name.padEnd(32)} ${figure(timings.map((t) => t.wallMs)).padEnd(34)} ${figure(timings.map((t) => t.cpuMs))}`);
}

if (process.argv.includes('--parts')) {
  process.stdout.write(JSON.stringify(await measureParts()));
} else {
  execFileSync(process.execPath, [projectPath('scripts', 'ensure-built.mjs')], { cwd: projectPath(), stdio: 'inherit' });
  const parts: Parts[] = [];
  const served: Timing[] = [];
  for (let run = 0; run < runs; run += 1) {
    parts.push(partsInChild());
    served.push(await listening());
  }
  console.log(`start-up, median of ${runs} cold runs (each run's figure in brackets)`);
  console.log(`${''.padEnd(32)} ${'wall clock'.padEnd(34)} CPU (user + system)`);
  report('synonym lexicon build', parts.map((p) => p.lexicon));
  report('language detector', parts.map((p) => p.detector));
  report('demo knowledge base training', parts.map((p) => p.training));
  report('spawn → "switchboard listening"', served);
}
