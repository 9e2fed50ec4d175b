/**
 * Accuracy of the escalation classifier on a labelled set (data/escalation/test/*.tsv): escalate-or-not
 * precision, recall, F1 and false alarms overall, per language and per reason, with the explicit requests
 * apart. Pure counting, shared by the benchmark and nothing else.
 */
import type { EscalationVerdict } from '../src/understanding/escalation-classifier.js';

export interface TestRow {
  language: string;
  label: string;
  explicit: boolean;
  text: string;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0 });
const pct = (n: number, d: number): string => (d === 0 ? '   n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
const f1 = (c: Counts): string => (c.tp + c.fp + c.fn === 0 ? ' n/a' : ((2 * c.tp) / (2 * c.tp + c.fp + c.fn)).toFixed(3));

function line(name: string, c: Counts): string {
  return `${name.padEnd(22)} ${String(c.tp + c.fn).padStart(4)} ${String(c.fp + c.tn).padStart(4)}  ${pct(c.tp, c.tp + c.fp)}  ${pct(c.tp, c.tp + c.fn)}  ${f1(c).padStart(5)}  ${pct(c.fp, c.fp + c.tn)}`;
}

const escalates = (label: string): boolean => label !== 'none' && label !== 'bot_question';

/** Prints the report; returns the overall counts for a one-line summary. */
export function report(title: string, rows: readonly TestRow[], classify: (text: string) => EscalationVerdict, options: { mistakes: boolean }): Counts {
  const overall = empty();
  const byLanguage = new Map<string, Counts>();
  const byReason = new Map<string, { total: number; caught: number; rightReason: number }>();
  const explicit = { total: 0, caught: 0 };
  const botQuestions = { total: 0, answered: 0 };
  const mistakes: string[] = [];
  for (const row of rows) {
    const verdict = classify(row.text);
    const expected = escalates(row.label);
    const got = verdict.reason !== undefined;
    const counts = byLanguage.get(row.language) ?? empty();
    byLanguage.set(row.language, counts);
    const key: keyof Counts = expected ? (got ? 'tp' : 'fn') : got ? 'fp' : 'tn';
    counts[key] += 1;
    overall[key] += 1;
    if (expected) {
      const reason = byReason.get(row.label) ?? { total: 0, caught: 0, rightReason: 0 };
      byReason.set(row.label, reason);
      reason.total += 1;
      if (got) reason.caught += 1;
      if (verdict.reason === row.label) reason.rightReason += 1;
    }
    if (row.explicit) {
      explicit.total += 1;
      if (got) explicit.caught += 1;
    }
    if (row.label === 'bot_question') {
      botQuestions.total += 1;
      if (verdict.label === 'bot_question') botQuestions.answered += 1;
    }
    if (key === 'fn' || key === 'fp') mistakes.push(`  ${row.language} ${key === 'fn' ? `missed ${row.label}` : `false alarm ${verdict.reason ?? ''}`} (${verdict.score.toFixed(2)}): ${JSON.stringify(row.text)}`);
  }
  console.log(`\n${title}`);
  console.log(`${''.padEnd(22)}  pos  neg  precision  recall     F1  false alarms`);
  console.log(line('all', overall));
  for (const [language, counts] of [...byLanguage].sort()) console.log(line(language, counts));
  console.log('per reason: caught (escalated at all) and right reason');
  for (const [reason, r] of [...byReason].sort()) console.log(`  ${reason.padEnd(22)} ${String(r.total).padStart(4)}  caught ${pct(r.caught, r.total)}  right reason ${pct(r.rightReason, r.total)}`);
  console.log(`explicit requests for a person: ${explicit.caught}/${explicit.total} (${pct(explicit.caught, explicit.total).trim()})`);
  console.log(`"are you a bot?" recognised as such: ${botQuestions.answered}/${botQuestions.total}`);
  if (options.mistakes && mistakes.length > 0) console.log(mistakes.join('\n'));
  return overall;
}
