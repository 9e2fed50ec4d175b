/**
 * Wires the human queue to the Slack desk for the composition root (src/service.ts): checks the token,
 * builds the queue, and offers the `/slack/events` router (which records staff events) and the processing of
 * a recorded event (which the service's desk inbox worker calls).
 */
import type { Router } from 'express';
import type { SlackConfig } from '../../src/config.js';
import type { Translator } from '../../src/i18n.js';
import type { Logger } from '../../src/logger.js';
import type { DeskEventItem, NewDeskEvent, Store } from '../../src/store/store.js';
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
  /** The `/slack/events` route; `record` stores a staff event and says whether it was new (see SlackDesk.routes). */
  routes(record: (event: NewDeskEvent) => Promise<boolean>): Router;
  /** Acts on one recorded staff event: a claim, hand-back or close, or a reply for the customer. */
  process(item: DeskEventItem): Promise<void>;
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
  return { queue, routes: (record) => desk.routes(record), process: (item) => desk.process(item, queue), alerts: desk };
}
