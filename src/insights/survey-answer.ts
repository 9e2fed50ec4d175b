/**
 * The customer's answer to a satisfaction survey: the message right after the question, when it is a rating
 * (see survey-rating.ts), has its rating kept on the survey and a short thanks queued in the surveyed
 * conversation (also one staff closed since), instead of being answered as a question. The message itself stays
 * where the inbox recorded it. Any other message is left to the dialogue, and the survey stays unanswered.
 */
import type { Inbound } from '../model.js';
import type { Translator } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { Customer, Message, Store } from '../store/store.js';
import type { Outbox } from '../outbox/outbox.js';
import { parseRating } from './survey-rating.js';

export interface SurveyAnswerOptions {
  store: Pick<Store, 'findAwaitingSurvey' | 'getConversation' | 'answerSurvey' | 'updateConversation'>;
  /** Where the thanks is queued for delivery. */
  outbox: Pick<Outbox, 'enqueue'>;
  translator: Translator;
  logger: Logger;
}

/** A recorded customer message whose turn is running (the inbox's per-address order), before the dialogue. */
export interface SurveyAnswerTurn {
  customer: Customer;
  message: Message;
  inbound: Inbound;
}

export interface SurveyAnswerStep {
  /** True when the message answered a survey (rating kept, thanks queued, message processed); false leaves it to the dialogue. */
  answer(turn: SurveyAnswerTurn): Promise<boolean>;
}

/** A rating days after the question is more likely a new message than an answer. */
const ANSWER_WITHIN_MS = 7 * 24 * 60 * 60 * 1000;

export function createSurveyAnswerStep(options: SurveyAnswerOptions): SurveyAnswerStep {
  const { store, translator, logger } = options;
  return {
    async answer({ customer, message, inbound }) {
      const rating = parseRating(inbound.text);
      if (rating === undefined || customer.optedOut) return false;
      const survey = await store.findAwaitingSurvey(customer.id, new Date(inbound.receivedAt.getTime() - ANSWER_WITHIN_MS), message.id);
      const conversation = survey && (await store.getConversation(survey.conversationId));
      if (!survey || !conversation) return false;

      await store.answerSurvey(survey.id, rating, inbound.receivedAt);
      // The rating is the customer's latest word: it keeps a WhatsApp window open for the thanks.
      const updated = await store.updateConversation(conversation.id, { lastInboundAt: inbound.receivedAt });
      // Queuing the thanks "answering" the message marks it processed, in the same transaction.
      await options.outbox.enqueue(updated, [{ author: 'system', text: translator.t(updated.language, 'surveyThanks') }], inbound.from, { answering: message.id });
      logger.info({ conversationId: updated.id, surveyId: survey.id, rating, handledBy: survey.handledBy }, 'satisfaction survey answered');
      return true;
    },
  };
}
