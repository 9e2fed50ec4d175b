/**
 * Wires the human queue to the Slack desk for the composition root (src/service.ts): checks the token,
 * builds the queue and returns the `/slack/events` router.
 */
import type { Router } from 'express';
import type { SlackConfig } from '../../src/config.js';
import type { Translator } from '../../src/i18n.js';
import type { Logger } from '../../src/logger.js';
import type { Store } from '../../src/store/store.js';
import { parseBusinessHours } from '../../src/handoff/business-hours.js';
import type { Clock } from '../../src/handoff/clock.js';
import { createHandoffQueue, type HandoffQueue } from '../../src/handoff/handoff-queue.js';
import { createSlackDesk } from './slack-desk.js';
import type { TextTranslator } from '../../src/engine/translate.js';
import type { AlertChannel } from '../../src/insights/spike-alerts.js';
import type { Outbox } from '../../src/outbox/outbox.js';

export interface SlackHandoffOptions {
  slack: SlackConfig;
  repageMinutes: number;
  hours: string | undefined;
  store: Store;
  translator: Translator;
  logger: Logger;
  outbox: Pick<Outbox, 'enqueue'>;
  clock?: Clock;
  /** Translation between the customer's language and `agentLanguage`, when a model is configured. */
  textTranslator?: TextTranslator;
  agentLanguage?: string;
}

export interface SlackHandoff {
  queue: HandoffQueue;
  router: Router;
  /** The queue channel, where spike alerts go. */
  alerts: AlertChannel;
}

export async function startSlackHandoff(options: SlackHandoffOptions): Promise<SlackHandoff> {
  const { slack, clock } = options;
  const desk = createSlackDesk({
    botToken: slack.botToken,
    signingSecret: slack.signingSecret,
    queueChannel: slack.queueChannel,
    apiUrl: slack.apiUrl,
    oncallMention: slack.oncallMention,
    logger: options.logger,
    store: options.store,
    ...(clock && { nowMs: () => clock.now().getTime() }),
  });
  await desk.start();
  const queue = createHandoffQueue({
    store: options.store,
    desk,
    translator: options.translator,
    logger: options.logger,
    outbox: options.outbox,
    repageMinutes: options.repageMinutes,
    ...(options.hours !== undefined && { hours: parseBusinessHours(options.hours) }),
    ...(clock && { clock }),
    ...(options.textTranslator && { textTranslator: options.textTranslator }),
    ...(options.agentLanguage !== undefined && { agentLanguage: options.agentLanguage }),
  });
  return { queue, router: desk.routes(queue), alerts: desk };
}
