/**
 * The insights of a period, from the store's figures: conversations per day by channel, automated resolution
 * and its daily trend, handoffs by reason, languages, time to claim (median and p90), satisfaction (CSAT) of
 * bot-only and human conversations from the survey answers, and the unanswered questions grouped by topic. The JSON of GET /admin/insights and the data of the /insights page.
 */
import type { Store } from '../store/store.js';
import type { InsightFigures } from '../store/insights-queries.js';
import { groupQuestions, type QuestionGroup } from './question-groups.js';

export interface InsightsReport {
  from: string;
  to: string;
  conversations: { total: number; days: { day: string; byChannel: Record<string, number> }[] };
  /**
   * Conversations the bot resolved (it answered, no handoff, nothing unanswered, and 24 h passed without the
   * customer writing again) among the settled ones; `rate` is null when none is settled yet.
   */
  automatedResolution: { settled: number; resolved: number; rate: number | null; days: { day: string; settled: number; resolved: number; rate: number | null }[] };
  handoffsByReason: { reason: string; count: number }[];
  languages: { language: string; count: number }[];
  timeToClaimSeconds: { claimed: number; median: number | null; p90: number | null };
  /** Surveys asked in the period: conversations only the bot handled, and those a person took part in. */
  csat: { bot: CsatFigures; human: CsatFigures };
  unansweredQuestions: QuestionGroup[];
}

/** One kind of conversation's survey results; the figures are null until a survey is answered. */
export interface CsatFigures {
  asked: number;
  answered: number;
  /** The mean rating, 1 to 5. */
  average: number | null;
  /** The share of answers rating 4 or 5 (the usual CSAT score). */
  satisfied: number | null;
}

function csatOf(rows: InsightFigures['surveys'], handledBy: 'bot' | 'human'): CsatFigures {
  const row = rows.find((r) => r.handledBy === handledBy);
  if (!row || row.answered === 0) return { asked: row?.asked ?? 0, answered: 0, average: null, satisfied: null };
  return { asked: row.asked, answered: row.answered, average: row.ratingSum / row.answered, satisfied: row.satisfied / row.answered };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The newest unanswered messages grouped; older ones in a very long period are left out. */
const UNANSWERED_LIMIT = 2000;

/** The nearest-rank percentile of sorted values; null for none. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

const rate = (resolved: number, settled: number): number | null => (settled === 0 ? null : resolved / settled);

export async function buildInsights(store: Pick<Store, 'insightFigures'>, period: { from: Date; to: Date }, now: Date): Promise<InsightsReport> {
  const figures = await store.insightFigures(period, now, UNANSWERED_LIMIT);
  const days = new Map<string, { byChannel: Record<string, number>; settled: number; resolved: number }>();
  // Every day of the period, quiet ones as zeros, so a chart's time axis spans the period chosen.
  for (let at = Date.parse(period.from.toISOString().slice(0, 10)); at < period.to.getTime(); at += DAY_MS) {
    days.set(new Date(at).toISOString().slice(0, 10), { byChannel: {}, settled: 0, resolved: 0 });
  }
  for (const row of figures.days) {
    const day = days.get(row.day) ?? { byChannel: {}, settled: 0, resolved: 0 };
    day.byChannel[row.channel] = (day.byChannel[row.channel] ?? 0) + row.conversations;
    day.settled += row.settled;
    day.resolved += row.resolved;
    days.set(row.day, day);
  }
  const ordered = [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
  const settled = ordered.reduce((sum, [, d]) => sum + d.settled, 0);
  const resolved = ordered.reduce((sum, [, d]) => sum + d.resolved, 0);
  const waits = [...figures.claimWaits].sort((a, b) => a - b);
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    conversations: {
      total: figures.days.reduce((sum, row) => sum + row.conversations, 0),
      days: ordered.map(([day, d]) => ({ day, byChannel: d.byChannel })),
    },
    automatedResolution: {
      settled,
      resolved,
      rate: rate(resolved, settled),
      days: ordered.map(([day, d]) => ({ day, settled: d.settled, resolved: d.resolved, rate: rate(d.resolved, d.settled) })),
    },
    handoffsByReason: figures.handoffReasons.map((r) => ({ reason: r.reason, count: r.handoffs })).sort((a, b) => b.count - a.count),
    languages: figures.languages.map((l) => ({ language: l.language, count: l.conversations })).sort((a, b) => b.count - a.count),
    timeToClaimSeconds: { claimed: waits.length, median: percentile(waits, 0.5), p90: percentile(waits, 0.9) },
    csat: { bot: csatOf(figures.surveys, 'bot'), human: csatOf(figures.surveys, 'human') },
    unansweredQuestions: groupQuestions(figures.unanswered.map((u) => u.text)),
  };
}
