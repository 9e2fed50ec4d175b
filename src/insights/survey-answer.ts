/**
 * The customer's answer to a satisfaction survey: the message right after the question, when it is a rating
 * (see survey-rating.ts), is recorded in the surveyed conversation (also one staff closed since), the rating
 * kept on the survey, and a short thanks queued, instead of being answered as a question. Any other message
 * is left to the dialogue, and the survey stays unanswered.
 */
import type { Inbound, ReceiveResult } from '../model.js';
import type { Translator } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { parseRating } from './survey-rating.js';

export interface SurveyAnswerOptions {
  store: Pick<Store, 'findCustomer' | 'findInbound' | 'findAwaitingSurvey' | 'getConversation' | 'recordInbound' | 'answerSurvey' | 'updateConversation' | 'enqueueOutbound'>;
  translator: Translator;
  logger: Logger;
  /** Called after the thanks is queued so the outbox delivers it without waiting for its next poll. */
  onOutboxQueued: () => void;
}

/** Runs inside the customer's turn (the engine's per-address order), before the dialogue. */
export interface SurveyAnswerStep {
  /** The result when the message answered a survey; undefined when the dialogue should take it. */
  answer(inbound: Inbound): Promise<ReceiveResult | undefined>;
}

/** A rating days after the question is more likely a new message than an answer. */
const ANSWER_WITHIN_MS = 7 * 24 * 60 * 60 * 1000;

export function createSurveyAnswerStep(options: SurveyAnswerOptions): SurveyAnswerStep {
  const { store, translator, logger } = options;
  return {
    async answer(inbound) {
      const rating = parseRating(inbound.text);
      if (rating === undefined) return undefined;
      const { channel, id } = inbound.from;
      const customer = await store.findCustomer(channel, id);
      if (!customer || customer.optedOut) return undefined;
      // A redelivered event is the engine's to acknowledge as a duplicate (or to finish, if it was cut short).
      if (await store.findInbound(channel, inbound.externalId)) return undefined;
      const survey = await store.findAwaitingSurvey(customer.id, new Date(inbound.receivedAt.getTime() - ANSWER_WITHIN_MS));
      const conversation = survey && (await store.getConversation(survey.conversationId));
      if (!survey || !conversation) return undefined;

      const message = await store.recordInbound({ conversationId: conversation.id, channel, externalId: inbound.externalId, text: inbound.text, receivedAt: inbound.receivedAt });
      // Another replica recorded the same event meanwhile: the engine answers it as a duplicate.
      if (!message) return undefined;
      await store.answerSurvey(survey.id, rating, inbound.receivedAt);
      // The rating is the customer's latest word: it keeps a WhatsApp window open for the thanks.
      const updated = await store.updateConversation(conversation.id, { lastInboundAt: inbound.receivedAt });
      await store.enqueueOutbound(updated, [{ author: 'system', text: translator.t(updated.language, 'surveyThanks') }], inbound.from, { answering: message.id });
      options.onOutboxQueued();
      logger.info({ conversationId: updated.id, surveyId: survey.id, rating, handledBy: survey.handledBy }, 'satisfaction survey answered');
      return { duplicate: false, conversationId: updated.id, messageId: message.id };
    },
  };
}
