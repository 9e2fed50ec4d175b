/**
 * The dialogue engine behind every channel: one turn for a message the inbox recorded (see src/inbox/) —
 * update the conversation's language, decide the reply, queue it in the outbox, page or relay to the desk.
 * The inbox hands it one address's messages one at a time, in arrival order.
 */
import { capabilitiesOf } from '../channel-capabilities.js';
import type { Address, ChannelHints, Inbound } from '../model.js';
import type { Conversation, Customer, InboxItem, Message, Store } from '../store/store.js';
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
import type { Outbox } from '../outbox/outbox.js';

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

/** The newest messages a turn reads: the model's history takes the last few (6 by default) with text. */
const HISTORY_WINDOW = 24;

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
  /** Where replies are queued for delivery. */
  outbox: Pick<Outbox, 'enqueue'>;
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
  /** Whether a "didn't get that" names the nearest knowledge entries (SUGGESTIONS). */
  suggestOnMiss?: boolean;
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
  /** The conversation so far, up to this message (replies to earlier messages included). */
  history: Message[];
}

export interface Engine {
  /**
   * One turn: the recorded message's language, reply and escalation. Its replies are queued, and the message is
   * marked processed, in one transaction; a turn that fails before that leaves it unprocessed for a retry.
   */
  answer(item: InboxItem): Promise<void>;
  /**
   * A customer joined before writing (Bot Framework conversationUpdate): open their conversation and queue the
   * welcome with the AI disclosure, in the hinted language. Once per conversation: their first message then
   * gets no second disclosure, and a repeated join none at all.
   */
  welcome(address: Address, hints?: ChannelHints): Promise<{ conversationId: number; welcomed: boolean }>;
}

export function createEngine(options: EngineOptions): Engine {
  const { store, knowledge, translator, defaultLanguage, logger } = options;
  // Within this process a welcome and a turn of one address never interleave (the inbox orders the turns).
  const serializer = new KeyedSerializer();
  const languageRequests = createLanguageRequestMatcher(options.detector.languages);
  const escalationClassifier = options.escalationClassifier ?? shippedEscalationClassifier();

  /** The message's customer and conversation as they are now; undefined when they were erased meanwhile. */
  async function admit({ message, address }: InboxItem): Promise<{ admitted: Admitted; inbound: Inbound } | undefined> {
    const conversation = await store.getConversation(message.conversationId);
    const customer = conversation && (await store.getCustomer(conversation.customerId));
    if (!conversation || !customer) return undefined;
    // Younger messages of a burst are recorded already; this turn must not see them. Only the newest are read: a
    // turn uses a few (the model's history), and a long-lived conversation must not make every turn slower.
    const history = await store.recentMessages(conversation.id, { throughInbound: message.id, limit: HISTORY_WINDOW });
    // No reply among them: the conversation is new unless it is longer than the window and has one further back.
    const created =
      !history.some((m) => m.direction === 'out') && (history.length < HISTORY_WINDOW || !(await store.listMessages(conversation.id)).some((m) => m.direction === 'out'));
    const from: Address = { ...address, ...(customer.addressRef !== null && { ref: customer.addressRef }) };
    return {
      admitted: { customer, conversation, created, message, history },
      inbound: { externalId: message.externalId ?? '', from, text: message.text, media: message.media, receivedAt: message.createdAt },
    };
  }

  function languageOf(inbound: Inbound, hints: ChannelHints, { conversation, created }: Admitted): LanguageVerdict {
    const { channel } = inbound.from;
    return resolveLanguage({
      detection: options.detector.detect(inbound.text),
      requested: languageRequests.match(inbound.text),
      // Only a phrase that names its language counts; a knowledge match says what was asked, not in which language.
      phraseLanguage: detectSmallTalk(inbound.text)?.language,
      previous: created ? undefined : { language: conversation.language, evidence: conversation.languageEvidence },
      hints,
      phoneNumber: capabilitiesOf(channel).phoneAddressed ? inbound.from.id : undefined,
      supported: options.detector.languages,
      defaultLanguage,
    });
  }

  /** What to answer: compliance first, then the offline decision, then the model for what that could not answer. */
  async function replyTo(inbound: Inbound, admitted: Admitted, language: string): Promise<{ decision: Decision; compliance: ComplianceDecision | undefined }> {
    const { customer, conversation, created, message, history } = admitted;
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
        offered: conversation.offeredEntries,
        hasMedia: (inbound.media?.length ?? 0) > 0,
      },
      {
        knowledge,
        t: translator.t,
        defaultLanguage,
        humanAvailable: options.desk !== undefined,
        ...(options.contactLine !== undefined && { contactLine: options.contactLine }),
        suggestOnMiss: options.suggestOnMiss === true,
      },
    );
    if (!options.llm || !offline.llm) return { decision: offline, compliance };
    // The model's failures leave the offline decision standing.
    const decision = await options.llm.improve(offline, {
      text: inbound.text,
      language,
      channel,
      conversationId: conversation.id,
      history,
      messageId: message.id,
      handoffAvailable: options.desk !== undefined,
    });
    return { decision, compliance };
  }

  async function process(item: InboxItem): Promise<void> {
    const loaded = await admit(item);
    if (!loaded) {
      logger.info({ messageId: item.message.id }, 'the customer was erased before the turn; nothing to answer');
      return;
    }
    const { admitted, inbound } = loaded;
    // A rating answering a satisfaction survey is recorded on the survey and thanked, not answered as a question.
    if (await options.surveyAnswer?.answer({ customer: admitted.customer, message: admitted.message, inbound })) return;
    const { customer, conversation, message } = admitted;
    const started = performance.now();

    const verdict = languageOf(inbound, item.hints, admitted);
    const { decision, compliance } = await replyTo(inbound, admitted, verdict.language);
    const updated = await store.updateConversation(conversation.id, {
      language: verdict.language,
      languageReason: verdict.reason,
      languageEvidence: verdict.evidence,
      failedAnswers: decision.failedAnswers,
      // An offer stands for the next message only: a "2" later on is a message like any other.
      offeredEntries: decision.offered ?? [],
      lastInboundAt: inbound.receivedAt,
    });
    logger.debug({ conversationId: updated.id, entryId: decision.entryId, language: verdict }, 'decided');

    if (compliance && compliance.optedOut !== customer.optedOut) await store.setOptedOut(customer.id, compliance.optedOut);
    await options.outbox.enqueue(
      updated,
      // Compliance replies are flagged: the one kind a channel still delivers to an opted-out number (not any
      // system notice, which may have been queued just before the STOP).
      decision.replies.map((text) => (compliance ? { author: 'system' as const, text, compliance: true } : { author: 'bot' as const, text })),
      inbound.from,
      { answering: message.id },
    );
    options.metrics?.turnFinished((performance.now() - started) / 1000);
    if (admitted.created) options.metrics?.conversationStarted(verdict.language);
    // A miss (the count of unanswered messages grew) is a knowledge gap for the insights; losing the flag must not cost the turn.
    if (decision.failedAnswers > conversation.failedAnswers) {
      await store.markUnanswered(message.id).catch((error: unknown) => logger.warn({ err: error, messageId: message.id }, 'could not flag an unanswered message'));
    }
    // The entry that answered is watched for spikes (src/insights/spike-alerts.ts); as above, a lost note costs nothing.
    // A request for a person that an entry answered too is watched by its reason: counted under both, one surge of
    // "can I talk to someone?" would be alerted twice.
    const answeredAlongside = decision.escalation !== undefined && decision.escalation !== 'knowledge_handoff';
    if (decision.entryId !== undefined && !answeredAlongside) {
      await store.recordAnswerEntry(message.id, decision.entryId).catch((error: unknown) => logger.warn({ err: error, messageId: message.id }, 'could not note the answering entry'));
    }

    if (options.desk) {
      if (updated.state !== 'bot') await options.desk.relayCustomerMessage(updated, customer, message);
      else if (decision.escalation) {
        await escalateConversation(store, options.desk, updated.id, decision.escalation, { detail: decision.escalationDetail, transcriptLength: options.transcriptLength });
      }
    }
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
    await options.outbox.enqueue(updated, [{ author: 'bot', text: translator.t(language, 'disclosure') }], address);
    options.metrics?.conversationStarted(language);
    return { conversationId: updated.id, welcomed: true };
  }

  const keyOf = (address: Address): string => `${address.channel}:${address.id}`;
  return {
    answer: (item) => serializer.run(keyOf(item.address), () => process(item)),
    welcome: (address, hints) => serializer.run(keyOf(address), () => greet(address, hints)),
  };
}
