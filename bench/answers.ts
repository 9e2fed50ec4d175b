/**
 * Answer benchmark (`npm run bench:answers [-- --set eval|dev|fresh|fresh3…fresh8 --mistakes]`). For the demo shop and the clinic
 * knowledge bases, runs every query of a labelled set through the offline decision (`decide`: escalation
 * classifier, small talk, knowledge matcher), in the query's language, and prints per base and language:
 * in-scope questions answered correctly, answered wrongly, asked back ("did you mean"), sent to staff by the
 * escalation classifier, declined, and
 * out-of-scope messages declined; then the match time per message on a 200-entry base.
 *
 * Every `<base>.tsv` of a set's folder is measured against `<base>.yaml` beside it, else knowledge/<base>.yaml.
 * The `eval` sets (data/knowledge/eval) were written apart from the code and the knowledge files, before the
 * matcher was built, and are never tuned on; the `dev` sets (data/knowledge/dev) are for tuning. The `fresh*`
 * sets are bases of other trades with their customers' questions, written by others apart from the code to
 * measure how the matcher carries to a trade it never saw (fresh3: a tailor and a locksmith; fresh4: a florist
 * and a plumber, chosen by their author after the lexicon was written; fresh5: a self-storage and an escape room;
 * fresh6: a ski school and a bakery; fresh7: a grooming salon and a photo studio, written in session 9 before its
 * measurement; fresh8: a piano school and a boat rental, written in session 10 before its measurement). Since
 * session 10 the reranker and the kinds of questions (intent-model.ts) learn from fresh–fresh6: only fresh7 and
 * fresh8 still measure a base nothing here learnt from.
 */
import { existsSync, readdirSync } from 'node:fs';
import { projectPath } from '../src/paths.js';
import { decide } from '../src/engine/decide.js';
import { createKnowledgeBase, loadKnowledgeBase, type KnowledgeBase, type KnowledgeEntry } from '../src/engine/knowledge.js';
import { createTranslator } from '../src/i18n.js';
import { readTsv } from '../src/understanding/labelled-rows.js';

const translator = createTranslator({ defaultLanguage: 'en' });
const set = process.argv.includes('--set') ? (process.argv[process.argv.indexOf('--set') + 1] ?? 'eval') : 'eval';
const showMistakes = process.argv.includes('--mistakes');

type Outcome = 'correct' | 'wrong' | 'clarified' | 'escalated' | 'declined';

interface Tally {
  inScope: Record<Outcome, number>;
  outOfScope: { total: number; declined: number; answered: number };
}

const newTally = (): Tally => ({ inScope: { correct: 0, wrong: 0, clarified: 0, escalated: 0, declined: 0 }, outOfScope: { total: 0, declined: 0, answered: 0 } });
const pct = (n: number, d: number): string => (d === 0 ? '    –' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

/** What the customer got: an entry (or a handoff for a handoff entry), a question back, or no answer. */
function outcomeOf(knowledge: KnowledgeBase, text: string, language: string): { entryId?: string; clarified: boolean; escalated: boolean; offered: string[] } {
  const decision = decide(
    { text, channel: 'web', state: 'bot', isNewConversation: false, language, failedAnswers: 0 },
    // Suggestions on, to count how often they would offer the right entry; they change no other figure.
    { knowledge, t: translator.t, defaultLanguage: 'en', suggestOnMiss: true },
  );
  const clarified = decision.replies.some((reply) => reply.startsWith(translator.t(language, 'clarify', { first: '', second: '' }).slice(0, 12)));
  // Asking for a person is answered by the desk: right for an entry whose answer is "a person will join".
  const handoffEntry = decision.escalation === 'asked_for_human' ? knowledge.entries.find((entry) => entry.handoff)?.id : undefined;
  const entryId = decision.entryId ?? handoffEntry;
  return { ...(entryId !== undefined && { entryId }), clarified, escalated: decision.escalation !== undefined && entryId === undefined, offered: decision.offered ?? [] };
}

function line(name: string, tally: Tally): string {
  const n = Object.values(tally.inScope).reduce((a, b) => a + b, 0);
  const { correct, wrong, clarified, escalated, declined } = tally.inScope;
  const oos = tally.outOfScope;
  return `${name.padEnd(6)} ${String(n).padStart(4)}  ${pct(correct, n)}  ${pct(wrong, n)}  ${pct(clarified, n)}  ${pct(escalated, n)}  ${pct(declined, n)}   ${String(oos.total).padStart(4)}  ${pct(oos.declined, oos.total)}   ${pct(wrong + oos.answered, n + oos.total)}`;
}

/** A set's knowledge file: its own (a base written with the set) or the shipped one of that name. */
function knowledgeFileOf(base: string): string {
  const own = projectPath('data', 'knowledge', set, `${base}.yaml`);
  return existsSync(own) ? own : projectPath('knowledge', `${base}.yaml`);
}

function measure(base: string): void {
  const started = performance.now();
  const knowledge = loadKnowledgeBase(knowledgeFileOf(base), { defaultLanguage: 'en' });
  const trainMs = performance.now() - started;
  const rows = readTsv(projectPath('data', 'knowledge', set, `${base}.tsv`));
  const total = newTally();
  const byLanguage = new Map<string, Tally>();
  const mistakes: string[] = [];
  // A declined question may still offer the nearest entries by number ("Did you mean: 1. … 2. …?").
  const suggestions = { declined: 0, rightOffered: 0, offTopic: 0, offTopicOffered: 0 };
  for (const row of rows) {
    const language = row.lang ?? 'en';
    const expected = row.expected ?? 'none';
    const text = row.text ?? '';
    const got = outcomeOf(knowledge, text, language);
    const declined = got.entryId === undefined && !got.clarified && !got.escalated;
    if (declined && expected !== 'none') {
      suggestions.declined += 1;
      if (got.offered.includes(expected)) suggestions.rightOffered += 1;
    }
    if (declined && expected === 'none') {
      suggestions.offTopic += 1;
      if (got.offered.length > 0) suggestions.offTopicOffered += 1;
    }
    const tally = byLanguage.get(language) ?? newTally();
    byLanguage.set(language, tally);
    for (const t of [tally, total]) {
      if (expected === 'none') {
        t.outOfScope.total += 1;
        if (got.entryId === undefined && !got.clarified) t.outOfScope.declined += 1;
        if (got.entryId !== undefined) t.outOfScope.answered += 1;
      } else {
        const outcome: Outcome =
          got.entryId === expected ? 'correct' : got.entryId !== undefined ? 'wrong' : got.clarified ? 'clarified' : got.escalated ? 'escalated' : 'declined';
        t.inScope[outcome] += 1;
      }
    }
    if (got.entryId !== expected && !(expected === 'none' && got.entryId === undefined && !got.clarified)) {
      const what = got.entryId ?? (got.clarified ? '(asked back)' : got.escalated ? '(to staff)' : '(declined)');
      mistakes.push(`  ${language} ${expected} → ${what}: ${JSON.stringify(text)}`);
    }
  }
  console.log(`\n${base}: ${knowledge.entries.length} entries, matcher trained in ${trainMs.toFixed(0)} ms; ${set} set, ${rows.length} messages`);
  console.log('lang   in-scope correct   wrong   asked  to staff declined  out-of-scope declined  wrong replies (all)');
  console.log(line('all', total));
  for (const [language, tally] of [...byLanguage].sort()) console.log(line(language, tally));
  console.log(
    `declined in-scope questions with the right entry among the suggestions: ${pct(suggestions.rightOffered, suggestions.declined).trim()} (${suggestions.rightOffered} of ${suggestions.declined}); ` +
      `declined off-topic messages given suggestions: ${pct(suggestions.offTopicOffered, suggestions.offTopic).trim()}`,
  );
  if (showMistakes) console.log(mistakes.join('\n'));
}

/** A 200-entry base (the demo entries, renamed ten times over with their variants) for the match-time figure. */
function matchTime(): void {
  const demo = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'), { defaultLanguage: 'en' });
  const entries: KnowledgeEntry[] = [];
  for (let copy = 0; entries.length < 200; copy += 1) {
    for (const entry of demo.entries) if (entries.length < 200) entries.push({ ...entry, id: `${entry.id}-${copy}` });
  }
  const started = performance.now();
  const large = createKnowledgeBase(entries, { defaultLanguage: 'en' });
  const trainMs = performance.now() - started;
  const queries = readTsv(projectPath('data', 'knowledge', 'dev', 'demo.tsv')).map((row) => ({ text: row.text ?? '', language: row.lang ?? 'en' }));
  // One untimed pass first: the code is compiled and the training's garbage collected, as in a running service.
  for (const { text, language } of queries) large.understand(text, { language });
  const times: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    for (const { text, language } of queries) {
      const at = performance.now();
      large.understand(text, { language });
      times.push(performance.now() - at);
    }
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.floor((p / 100) * (times.length - 1))] ?? 0).toFixed(3);
  console.log(`\n200-entry base: trained in ${trainMs.toFixed(0)} ms; match time per message p50 ${q(50)} ms, p99 ${q(99)} ms (${times.length} matches)`);
}

const bases = readdirSync(projectPath('data', 'knowledge', set)).filter((name) => name.endsWith('.tsv')).map((name) => name.slice(0, -'.tsv'.length)).sort();
for (const base of bases) measure(base);
if (!process.argv.includes("--no-timing")) matchTime();
