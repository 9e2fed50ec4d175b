/**
 * When a topic runs well above its usual rate: in the last hour at least `factor` times the median of its hourly
 * counts over the trailing week, and at least `minCount` (a quiet topic going from 0 to 2 is no spike). Pure:
 * the counts come from the store, the decision is here.
 */
import type { TopicCount, TopicKind } from '../store/store.js';

export interface Spike {
  kind: TopicKind;
  key: string;
  /** Occurrences in the last hour. */
  count: number;
  /** The median hourly count over the trailing week. */
  usual: number;
}

export interface SpikeRule {
  /** How many times the usual rate counts as a spike; 3. */
  factor: number;
  minCount: number;
  /** Hours in the trailing window (168 for a week); hours without a row counted zero. */
  baselineHours: number;
}

export const topicOf = (c: Pick<TopicCount, 'kind' | 'key'>): string => `${c.kind}:${c.key}`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The spikes among the topics of `recent` (last hour's counts) against `baseline` (hourly counts of the trailing window). */
export function findSpikes(recent: readonly TopicCount[], baseline: readonly TopicCount[], rule: SpikeRule): Spike[] {
  const lastHour = new Map<string, Spike>();
  for (const c of recent) {
    const spike = lastHour.get(topicOf(c)) ?? { kind: c.kind, key: c.key, count: 0, usual: 0 };
    spike.count += c.count;
    lastHour.set(topicOf(c), spike);
  }
  const hourly = new Map<string, number[]>();
  for (const c of baseline) hourly.set(topicOf(c), [...(hourly.get(topicOf(c)) ?? []), c.count]);
  const spikes: Spike[] = [];
  for (const [topic, spike] of lastHour) {
    if (spike.count < rule.minCount) continue;
    const counts = hourly.get(topic) ?? [];
    const usual = median([...counts, ...new Array<number>(Math.max(0, rule.baselineHours - counts.length)).fill(0)]);
    if (spike.count >= rule.factor * usual) spikes.push({ ...spike, usual });
  }
  return spikes.sort((a, b) => b.count - a.count);
}
