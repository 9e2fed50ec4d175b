/**
 * The dialogue engine behind every channel: dedupe, find the customer and conversation, record the message,
 * update the conversation's language, decide the reply and queue it in the outbox. Messages of one customer
 * address are processed strictly in arrival order.
 */
import type { Address, ChannelHints, Inbound, ReceiveResult } from '../model.js';
import type { Conversation, Customer, Message, Store } from '../store/store.js';
import type { Translator } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { KnowledgeBase } from './knowledge.js';
import { decide, type Decision, type EscalationReason } from './decide.js';
import { decideCompliance, type ComplianceDecision } from './opt-out.js';
import { escalateConversation } from './escalate-conversation.js';
import { primaryLanguage, resolveLanguage, type LanguageVerdict } from './language.js';
import type { LanguageDetector } from './language-detector.js';
import { createLanguageRequestMatcher } from './language-requests.js';
import { detectSmallTalk } from './small-talk.js';
import { KeyedSerializer } from './keyed-serializer.js';
import type { LlmAnswerStep } from './llm-answer-step.js';
import { shippedEscalationClassifier, type EscalationClassifier } from '../understanding/escalation-classifier.js';
import { judgeEscalation, type EscalationSecondOpinion } from './escalation-step.js';
import type { EngineMetrics } from '../metrics.js';
import type { SurveyAnswerStep } from '../insights/survey-answer.js';

/** A request for a person, with everything staff need to pick it up. */
export interface EscalationEvent {
  reason: EscalationReason;
  /** Who decided it and how sure it was ("classifier 0.91"), for the staff card. */
  reasonDetail?: string;
  conversation: Conversation;
  customer: Customer;
  language: string;
  transcript: Message[];
}

/** The human side (the Slack desk), when one is configured. */
export interface HumanDesk {
  escalate(event: EscalationEvent): Promise<void>;
  /** A customer message in a conversation a person owns or is about to. */
  relayCustomerMessage(conversation: Conversation, customer: Customer, message: Message): Promise<void>;
}

export interface EngineOptions {
  store: Store;
  knowledge: KnowledgeBase;
  translator: Translator;
  defaultLanguage: string;
  logger: Logger;
  /** Called after replies are queued so the outbox worker delivers them without waiting for its next poll. */
  onOutboxQueued: () => void;
  /** Scores each message's language; its `languages` are the served set (see `servedLanguages`). */
  detector: LanguageDetector;
  desk?: HumanDesk;
  /** A language model that answers what the offline path could not (see src/engine/llm-answer-step.ts). */
  llm?: LlmAnswerStep;
  /** Judges whether a message needs a person; default: the shipped model. */
  escalationClassifier?: EscalationClassifier;
  /** A model's label for messages the classifier is unsure about (see src/engine/escalation-step.ts). */
  escalationSecondOpinion?: EscalationSecondOpinion;
  /** How else to reach the business, told when a customer asks for a person and there is no desk. */
  contactLine?: string;
  transcriptLength?: number;
  metrics?: EngineMetrics;
  /** Takes a customer's rating that answers a satisfaction survey before the dialogue does (absent with CSAT=off). */
  surveyAnswer?: SurveyAnswerStep;
}

/** An inbound message recorded in its conversation, ready to be answered. */
interface Admitted {
  customer: Customer;
  conversation: Conversation;
  /** Nothing has been sent in the conversation yet: the first reply carries the AI disclosure. */
  created: boolean;
  message: Message;
}

export interface Engine {
  receive(inbound: Inbound): Promise<ReceiveResult>;
  /**
   * A customer joined before writing (Bot Framework conversationUpdate): open their conversation and queue the
   * welcome with the AI disclosure, in the hinted language. Once per conversation: their first message then
   * gets no second disclosure, and a repeated join none at all.
   */
  welcome(address: Address, hints?: ChannelHints): Promise<{ conversationId: number; welcomed: boolean }>;
  /** Resolves when every message received so far has been processed (for graceful shutdown). */
  idle(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const { store, knowledge, translator, defaultLanguage, logger } = options;
  const serializer = new KeyedSerializer();
  const languageRequests = createLanguageRequestMatcher(options.detector.languages);
  const escalationClassifier = options.escalationClassifier ?? shippedEscalationClassifier();

  /**
   * The conversation a message belongs to. A redelivered message whose first processing failed half-way
   * resumes in the conversation it was recorded in; it is "new" if nothing was sent there yet.
   */
  async function conversationOf(customer: Customer, unfinished: Message | undefined): Promise<{ conversation: Conversation; created: boolean }> {
    const resumed = unfinished && (await store.getConversation(unfinished.conversationId));
    if (!resumed) return store.openConversation(customer, defaultLanguage);
    const history = await store.listMessages(resumed.id);
    return { conversation: resumed, created: !history.some((m) => m.direction === 'out') };
  }

  /** The customer, conversation and recorded message of an inbound event, or the result for a duplicate. */
  async function admit(inbound: Inbound): Promise<Admitted | { duplicate: ReceiveResult }> {
    const { channel } = inbound.from;
    const seen = await store.findInbound(channel, inbound.externalId);
    if (seen?.processedAt) return { duplicate: { duplicate: true, conversationId: seen.conversationId, messageId: seen.id } };

    const customer = await store.upsertCustomer(inbound.from, inbound.hints?.name);
    const { conversation, created } = await conversationOf(customer, seen);
    const message =
      seen ??
      (await store.recordInbound({
        conversationId: conversation.id,
        channel,
        externalId: inbound.externalId,
        text: inbound.text,
        media: inbound.media ?? [],
        receivedAt: inbound.receivedAt,
      }));
    if (message) return { customer, conversation, created, message };
    // Another replica recorded the same event between our lookup and insert.
    const winner = await store.findInbound(channel, inbound.externalId);
    return { duplicate: { duplicate: true, conversationId: winner?.conversationId ?? conversation.id, messageId: winner?.id ?? 0 } };
  }

  function languageOf(inbound: Inbound, { conversation, created }: Admitted): LanguageVerdict {
    const { channel } = inbound.from;
    return resolveLanguage({
      detection: options.detector.detect(inbound.text),
      requested: languageRequests.match(inbound.text),
      // Only a phrase that names its language counts; a knowledge match says what was asked, not in which language.
      phraseLanguage: detectSmallTalk(inbound.text)?.language,
      previous: created ? undefined : { language: conversation.language, evidence: conversation.languageEvidence },
      hints: inbound.hints,
      phoneNumber: channel === 'sms' || channel === 'whatsapp' ? inbound.from.id : undefined,
      supported: options.detector.languages,
      defaultLanguage,
    });
  }

  /** What to answer: compliance first, then the offline decision, then the model for what that could not answer. */
  async function replyTo(inbound: Inbound, admitted: Admitted, language: string): Promise<{ decision: Decision; compliance: ComplianceDecision | undefined }> {
    const { customer, conversation, created, message } = admitted;
    const { channel } = inbound.from;
    // STOP/START/HELP on SMS and WhatsApp, and silence towards an opted-out customer, come before dialogue.
    const compliance = decideCompliance({ channel, text: inbound.text, optedOut: customer.optedOut });
    if (compliance) {
      const replies = compliance.replyKey ? [translator.t(compliance.language ?? language, compliance.replyKey)] : [];
      return { decision: { replies, failedAnswers: conversation.failedAnswers }, compliance };
    }
    const escalation =
      conversation.state === 'bot' ? await judgeEscalation(inbound.text, escalationClassifier, options.escalationSecondOpinion) : undefined;
    const offline = decide(
      {
        text: inbound.text,
        ...(escalation && { escalation }),
        channel,
        state: conversation.state,
        isNewConversation: created,
        language,
        failedAnswers: conversation.failedAnswers,
        hasMedia: (inbound.media?.length ?? 0) > 0,
      },
      {
        knowledge,
        t: translator.t,
        defaultLanguage,
        humanAvailable: options.desk !== undefined,
        ...(options.contactLine !== undefined && { contactLine: options.contactLine }),
      },
    );
    if (!options.llm || !offline.llm) return { decision: offline, compliance };
    // The model's failures leave the offline decision standing.
    const decision = await options.llm.improve(offline, {
      text: inbound.text,
      language,
      channel,
      conversationId: conversation.id,
      history: await store.listMessages(conversation.id),
      messageId: message.id,
      handoffAvailable: options.desk !== undefined,
    });
    return { decision, compliance };
  }

  /** One customer's turns run one at a time and in order: within this process, and across replicas sharing the database. */
  function inTurn<T>(address: Address, task: () => Promise<T>): Promise<T> {
    const key = `${address.channel}:${address.id}`;
    return serializer.run(key, () => store.withAddressLock(key, task));
  }

  async function process(inbound: Inbound): Promise<ReceiveResult> {
    // A rating answering a satisfaction survey is recorded and thanked there, not answered as a question.
    const surveyAnswered = await options.surveyAnswer?.answer(inbound);
    if (surveyAnswered) return surveyAnswered;

    const admitted = await admit(inbound);
    if ('duplicate' in admitted) return admitted.duplicate;
    const { customer, conversation, message } = admitted;
    const started = performance.now();

    const verdict = languageOf(inbound, admitted);
    const { decision, compliance } = await replyTo(inbound, admitted, verdict.language);
    const updated = await store.updateConversation(conversation.id, {
      language: verdict.language,
      languageReason: verdict.reason,
      languageEvidence: verdict.evidence,
      failedAnswers: decision.failedAnswers,
      lastInboundAt: inbound.receivedAt,
    });
    logger.debug({ conversationId: updated.id, entryId: decision.entryId, language: verdict }, 'decided');

    if (compliance && compliance.optedOut !== customer.optedOut) await store.setOptedOut(customer.id, compliance.optedOut);
    await store.enqueueOutbound(
      updated,
      // Compliance replies are flagged: the one kind a channel still delivers to an opted-out number (not any
      // system notice, which may have been queued just before the STOP).
      decision.replies.map((text) => (compliance ? { author: 'system' as const, text, compliance: true } : { author: 'bot' as const, text })),
      inbound.from,
      { answering: message.id },
    );
    if (decision.replies.length > 0) options.onOutboxQueued();
    options.metrics?.turnFinished((performance.now() - started) / 1000);
    if (admitted.created) options.metrics?.conversationStarted(verdict.language);
    // A miss (the count of unanswered messages grew) is a knowledge gap for the insights; losing the flag must not cost the turn.
    if (decision.failedAnswers > conversation.failedAnswers) {
      await store.markUnanswered(message.id).catch((error: unknown) => logger.warn({ err: error, messageId: message.id }, 'could not flag an unanswered message'));
    }
    // The entry that answered is watched for spikes (src/insights/spike-alerts.ts); as above, a lost note costs nothing.
    if (decision.entryId !== undefined) {
      await store.recordAnswerEntry(message.id, decision.entryId).catch((error: unknown) => logger.warn({ err: error, messageId: message.id }, 'could not note the answering entry'));
    }

    if (options.desk) {
      if (updated.state !== 'bot') await options.desk.relayCustomerMessage(updated, customer, message);
      else if (decision.escalation) {
        await escalateConversation(store, options.desk, updated.id, decision.escalation, { detail: decision.escalationDetail, transcriptLength: options.transcriptLength });
      }
    }
    return { duplicate: false, conversationId: updated.id, messageId: message.id };
  }

  async function greet(address: Address, hints: ChannelHints | undefined): Promise<{ conversationId: number; welcomed: boolean }> {
    const customer = await store.upsertCustomer(address, hints?.name);
    const { conversation, created } = await store.openConversation(customer, defaultLanguage);
    if (!created || customer.optedOut) return { conversationId: conversation.id, welcomed: false };
    const hinted = hints?.locale ? primaryLanguage(hints.locale) : undefined;
    // The served set (LANGUAGES), not every locale: a welcome must not open in a language replies then leave.
    const language = hinted && options.detector.languages.includes(hinted) ? hinted : defaultLanguage;
    const updated =
      language === conversation.language
        ? conversation
        : await store.updateConversation(conversation.id, { language, languageReason: `locale ${hints?.locale ?? ''}` });
    await store.enqueueOutbound(updated, [{ author: 'bot', text: translator.t(language, 'disclosure') }], address);
    options.onOutboxQueued();
    options.metrics?.conversationStarted(language);
    return { conversationId: updated.id, welcomed: true };
  }

  return {
    receive: (inbound) => inTurn(inbound.from, () => process(inbound)),
    welcome: (address, hints) => inTurn(address, () => greet(address, hints)),
    idle: () => serializer.idle(),
  };
}
