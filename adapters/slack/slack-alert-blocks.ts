/**
 * A spike alert as a Slack message: the title in bold, the figures, and the example customer messages quoted.
 * Every text is escaped here (the examples are customers' words), and cut to fit a section.
 */
import type { KnownBlock } from '@slack/web-api';
import type { SpikeAlert } from '../../src/insights/spike-alerts.js';
import { escapeMrkdwn, fitMrkdwn } from './slack-mrkdwn.js';

/** Room for one example in a section of at most 3,000 characters. */
const EXAMPLE_MAX = 600;

export function alertMessage(alert: SpikeAlert): { text: string; blocks: KnownBlock[] } {
  const quoted = alert.examples.map((example) => `> ${fitMrkdwn(escapeMrkdwn(example.replace(/\s+/g, ' ').trim()), EXAMPLE_MAX)}`);
  return {
    // The notification and screen-reader text.
    text: `${escapeMrkdwn(alert.title)}: ${escapeMrkdwn(alert.figures)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:chart_with_upwards_trend: *${escapeMrkdwn(alert.title)}*\n${escapeMrkdwn(alert.figures)}` } },
      ...(quoted.length > 0 ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: `*${escapeMrkdwn(alert.examplesHeading)}*\n${quoted.join('\n')}` } }] : []),
    ],
  };
}
