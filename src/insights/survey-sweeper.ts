/**
 * The satisfaction survey (CSAT): a sweeper that finds conversations that ended — closed by staff, or in the
 * bot's hands and quiet for `CSAT_AFTER_MINUTES` after our last word — and asks their customer one question in
 * the conversation's language, through the outbox. Every replica may sweep: the survey row is the claim (one per
 * conversation, see Store.claimSurvey), so a conversation is asked at most once; a crash between the claim and
 * queuing the question loses that one survey rather than asking twice.
 */
import type { Address } from '../model.js';
import type { Translator } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { Customer, Store } from '../store/store.js';
import { createSystemClock, type Clock } from '../handoff/clock.js';
import { createPeriodicTask } from './periodic-task.js';
import type { Outbox } from '../outbox/outbox.js';
import { withinReplyWindow } from '../channel-capabilities.js';

export interface SurveySweeperOptions {
  store: Pick<Store, 'listSurveysDue' | 'claimSurvey' | 'getCustomer'>;
  /** Where the questions are queued for delivery. */
  outbox: Pick<Outbox, 'enqueue'>;
  translator: Translator;
  logger: Logger;
  /** Minutes a conversation in the bot's hands stays quiet before it counts as ended (CSAT_AFTER_MINUTES). */
  afterMinutes: number;
  clock?: Clock;
  /** How often to sweep; default every minute. */
  intervalMs?: number;
  /** Conversations per sweep; default 200 (the rest wait for the next sweep). */
  batchSize?: number;
}

export interface SurveySweeper {
  start(): void;
  /** Asks every due conversation now; returns how many questions were queued. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

const MINUTE_MS = 60 * 1000;
/** A customer who last wrote longer ago than this has moved on: their conversation is not asked about. */
const ASK_WITHIN_MS = 24 * 60 * MINUTE_MS;
/**
 * A channel with a reply window (WhatsApp: 24 h after the customer's last message) is asked only with an hour of
 * it left, so an outbox retry still lands inside it (outside it would need a template, or page staff).
 */
const REPLY_WINDOW_MARGIN_MS = 60 * MINUTE_MS;

function addressOf(customer: Customer): Address {
  return { channel: customer.channel, id: customer.addressId, ...(customer.addressRef !== null && { ref: customer.addressRef }) };
}

export function createSurveySweeper(options: SurveySweeperOptions): SurveySweeper {
  const { store, translator, logger } = options;
  const clock = options.clock ?? createSystemClock();
  const batchSize = options.batchSize ?? 200;

  async function sweep(): Promise<number> {
    const now = clock.now();
    const due = await store.listSurveysDue(
      { idleBefore: new Date(now.getTime() - options.afterMinutes * MINUTE_MS), activeSince: new Date(now.getTime() - ASK_WITHIN_MS) },
      batchSize,
    );
    let asked = 0;
    for (const { conversation, handledBy } of due) {
      if (!withinReplyWindow(conversation.channel, conversation.lastInboundAt, now, REPLY_WINDOW_MARGIN_MS)) continue;
      const customer = await store.getCustomer(conversation.customerId);
      if (!customer || customer.optedOut) continue;
      const survey = await store.claimSurvey({ conversationId: conversation.id, customerId: customer.id, handledBy, language: conversation.language });
      if (!survey) continue;
      await options.outbox.enqueue(conversation, [{ author: 'system', text: translator.t(conversation.language, 'surveyQuestion') }], addressOf(customer));
      asked += 1;
    }
    if (asked > 0) logger.info({ asked }, 'satisfaction surveys asked');
    return asked;
  }

  const task = createPeriodicTask({ name: 'survey sweep', run: sweep, intervalMs: options.intervalMs ?? MINUTE_MS, logger, clock });
  return { start: () => task.start(), sweep: () => task.runNow(), stop: () => task.stop() };
}
