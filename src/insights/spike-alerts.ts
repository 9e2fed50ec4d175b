/**
 * Spike alerts ("spot problems before they grow"): every few minutes, the last hour's escalations by reason,
 * answers by knowledge entry and unanswered messages are compared with their trailing week (spike-detection.ts);
 * a topic running well above its usual rate is posted once to the staff desk, with its figures and three example
 * messages, in AGENT_LANGUAGE. Every replica checks; the store's unique (topic, hour) row lets one alone post,
 * so each topic is alerted at most once per hour.
 */
import type { Translator } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { createSystemClock, type Clock } from '../handoff/clock.js';
import { createPeriodicTask } from './periodic-task.js';
import { findSpikes, topicOf, type Spike } from './spike-detection.js';

/** An alert as staff read it: plain text in their language; the desk adapter escapes and lays it out. */
export interface SpikeAlert {
  /** "reason:frustration", "entry:shipping" or "unanswered:". */
  topic: string;
  title: string;
  figures: string;
  examplesHeading: string;
  /** Customer messages, verbatim (untrusted). */
  examples: string[];
}

/** Where alerts go: the Slack queue channel (adapters/slack/slack-alerts.ts). */
export interface AlertChannel {
  postAlert(alert: SpikeAlert): Promise<void>;
}

export interface SpikeAlertsOptions {
  store: Pick<Store, 'topicCounts' | 'topicExamples' | 'claimSpikeAlert'>;
  channel: AlertChannel;
  /** Staff texts (see staff-texts.ts). */
  texts: Translator;
  /** AGENT_LANGUAGE. */
  language: string;
  /** ALERT_MIN_COUNT: the fewest occurrences in an hour that can be a spike. */
  minCount: number;
  logger: Logger;
  clock?: Clock;
  /** How often to check; default every 5 minutes. */
  intervalMs?: number;
}

export interface SpikeAlerts {
  start(): void;
  /** Checks now; returns the alerts this replica posted. */
  check(): Promise<SpikeAlert[]>;
  stop(): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;
const BASELINE_HOURS = 7 * 24;
const FACTOR = 3;
const EXAMPLES = 3;

export function createSpikeAlerts(options: SpikeAlertsOptions): SpikeAlerts {
  const { store, texts, language, logger } = options;
  const clock = options.clock ?? createSystemClock();
  const t = (key: string, vars?: Record<string, string | number>) => texts.t(language, key, vars);
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });

  function describe(spike: Spike): string {
    if (spike.kind === 'reason') return t('alert.topicReason', { reason: texts.t(language, `reasons.${spike.key}`, { defaultValue: spike.key }) });
    if (spike.kind === 'entry') return t('alert.topicEntry', { entry: spike.key });
    return t('alert.topicUnanswered');
  }

  async function alertOf(spike: Spike, since: Date): Promise<SpikeAlert> {
    return {
      topic: topicOf(spike),
      title: t('alert.title', { topic: describe(spike) }),
      figures: t('alert.figures', { count: number.format(spike.count), usual: number.format(spike.usual) }),
      examplesHeading: t('alert.examples'),
      examples: await store.topicExamples(spike.kind, spike.key, since, EXAMPLES),
    };
  }

  async function check(): Promise<SpikeAlert[]> {
    const now = clock.now();
    const hourAgo = new Date(now.getTime() - HOUR_MS);
    const [recent, baseline] = await Promise.all([store.topicCounts(hourAgo, now), store.topicCounts(new Date(hourAgo.getTime() - BASELINE_HOURS * HOUR_MS), hourAgo)]);
    const posted: SpikeAlert[] = [];
    for (const spike of findSpikes(recent, baseline, { factor: FACTOR, minCount: options.minCount, baselineHours: BASELINE_HOURS })) {
      if (!(await store.claimSpikeAlert(topicOf(spike), now.toISOString().slice(0, 13), spike.count, now))) continue;
      const alert = await alertOf(spike, hourAgo);
      // Claimed first: a failed post is logged, not retried by every replica within the hour.
      try {
        await options.channel.postAlert(alert);
        posted.push(alert);
        logger.info({ topic: alert.topic, count: spike.count, usual: spike.usual }, 'spike alert posted');
      } catch (error) {
        logger.error({ err: error, topic: alert.topic }, 'spike alert could not be posted');
      }
    }
    return posted;
  }

  const task = createPeriodicTask({ name: 'spike check', run: check, intervalMs: options.intervalMs ?? 5 * 60 * 1000, logger, clock });
  return { start: () => task.start(), check: () => task.runNow(), stop: () => task.stop() };
}
