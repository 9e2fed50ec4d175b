/**
 * The dialogue engine behind every channel: dedupe, find the customer and conversation, record the message,
 * update the conversation's language, decide the reply and queue it in the outbox. Messages of one customer
 * address are processed strictly in arrival order.
 */
import type { Inbound, ReceiveResult } from '../model.js';
import type { Conversation, Customer, Message, Store } from '../store/store.js';
import type { Translator } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { KnowledgeBase } from './knowledge.js';
import { decide, type EscalationReason } from './decide.js';
import { resolveLanguage } from './language.js';
import { detectSmallTalk } from './small-talk.js';
import { KeyedSerializer } from './keyed-serializer.js';

/** A request for a person, with everything staff need to pick it up. */
export interface EscalationEvent {
  reason: EscalationReason;
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
  desk?: HumanDesk;
  transcriptLength?: number;
}

export interface Engine {
  receive(inbound: Inbound): Promise<ReceiveResult>;
  /** Resolves when every message received so far has been processed (for graceful shutdown). */
  idle(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const { store, knowledge, translator, defaultLanguage, logger } = options;
  const serializer = new KeyedSerializer();

  async function process(inbound: Inbound): Promise<ReceiveResult> {
    const { channel } = inbound.from;
    const seen = await store.findInbound(channel, inbound.externalId);
    if (seen) return { duplicate: true, conversationId: seen.conversationId, messageId: seen.id };

    const customer = await store.upsertCustomer(inbound.from, inbound.hints?.name);
    const { conversation, created } = await store.openConversation(customer, defaultLanguage);
    const message = await store.recordInbound({
      conversationId: conversation.id,
      channel,
      externalId: inbound.externalId,
      text: inbound.text,
      media: inbound.media ?? [],
      receivedAt: inbound.receivedAt,
    });
    // Another replica recorded the same event between our lookup and insert.
    if (!message) {
      const winner = await store.findInbound(channel, inbound.externalId);
      return { duplicate: true, conversationId: winner?.conversationId ?? conversation.id, messageId: winner?.id ?? 0 };
    }

    const verdict = resolveLanguage({
      current: created ? undefined : conversation.language,
      hints: inbound.hints,
      messageLanguage: detectSmallTalk(inbound.text)?.language ?? knowledge.search(inbound.text)?.language,
      supported: translator.languages,
      defaultLanguage,
    });
    const decision = decide(
      {
        text: inbound.text,
        channel,
        state: conversation.state,
        isNewConversation: created,
        language: verdict.language,
        failedAnswers: conversation.failedAnswers,
      },
      { knowledge, t: translator.t, defaultLanguage },
    );
    const updated = await store.updateConversation(conversation.id, {
      language: verdict.language,
      languageReason: verdict.reason,
      failedAnswers: decision.failedAnswers,
      lastInboundAt: inbound.receivedAt,
    });
    logger.debug({ conversationId: updated.id, entryId: decision.entryId, language: verdict }, 'decided');

    if (!customer.optedOut && decision.replies.length > 0) {
      await store.enqueueOutbound(
        updated,
        decision.replies.map((text) => ({ author: 'bot' as const, text })),
        inbound.from,
      );
      options.onOutboxQueued();
    }

    if (options.desk) {
      if (updated.state !== 'bot') await options.desk.relayCustomerMessage(updated, customer, message);
      else if (decision.escalation) {
        const transcript = await store.listMessages(updated.id);
        await options.desk.escalate({
          reason: decision.escalation,
          conversation: updated,
          customer,
          language: verdict.language,
          transcript: transcript.slice(-(options.transcriptLength ?? 20)),
        });
      }
    }
    return { duplicate: false, conversationId: updated.id, messageId: message.id };
  }

  return {
    receive: (inbound) => serializer.run(`${inbound.from.channel}:${inbound.from.id}`, () => process(inbound)),
    idle: () => serializer.idle(),
  };
}
