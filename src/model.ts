/**
 * The normalized types every part of Switchboard speaks. Adapters translate their wire format to and from
 * these; the engine, the store and the outbox never see a channel's own payloads.
 */
import type { Router } from 'express';

export const CHANNELS = ['sms', 'whatsapp', 'web', 'botframework'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Where a customer is reached; stable per customer per channel. */
export interface Address {
  channel: Channel;
  /** E.164 phone, web visitor id, Bot Framework conversation id. */
  id: string;
  /** What the channel needs to reply later (e.g. a Bot Framework ConversationReference). JSON-serializable. */
  ref?: unknown;
}

export interface Media {
  url: string;
  contentType: string;
}

/** Evidence a channel offers about the customer: Accept-Language, a phone's country, a display name. */
export interface ChannelHints {
  locale?: string;
  country?: string;
  name?: string;
}

export interface Inbound {
  /** The provider's message id: the idempotency key, unique per channel. */
  externalId: string;
  from: Address;
  text: string;
  media?: Media[];
  hints?: ChannelHints;
  receivedAt: Date;
}

export type Author = 'customer' | 'bot' | 'agent' | 'system';

export interface Outbound {
  to: Address;
  text: string;
  author: Exclude<Author, 'customer'>;
  agentName?: string;
  /**
   * The conversation's language when the message was queued (BCP 47, e.g. `es`), for the words a channel adds
   * around the text itself (e.g. the "from a person" label). Absent on rows queued before it was recorded.
   */
  language?: string;
  /**
   * An opt-out compliance reply (the STOP, START or HELP confirmation): the only message a channel still
   * delivers to a customer who opted out. Any other message, a system notice included, is refused then.
   */
  compliance?: boolean;
  /** The stored message this delivery carries; lets a channel tie live pushes to history. */
  messageId: number;
  conversationId: number;
}

export interface ReceiveResult {
  duplicate: boolean;
  conversationId: number;
  messageId: number;
}

export type Receive = (message: Inbound) => Promise<ReceiveResult>;

/**
 * What earlier attempts of one outbox delivery already achieved, for a channel that sends one message as
 * several provider messages (an SMS answer past 1600 characters): a retry resumes after the parts sent.
 */
export interface SendProgress {
  /** Provider ids of the parts delivered by earlier attempts, in order. */
  readonly sentParts: readonly string[];
  /** Persists one more delivered part before the next is attempted. */
  recordPart(providerId: string): Promise<void>;
}

/** A customer channel: verify → parse → receive → ack on the way in, and `send` on the way out. */
export interface ChannelAdapter {
  readonly channel: Channel;
  routes(receive: Receive): Router;
  /** Throws a {@link ChannelError} (see src/errors.ts) saying whether a retry can help. */
  send(message: Outbound, progress?: SendProgress): Promise<{ providerId: string }>;
}

export const CONVERSATION_STATES = ['bot', 'queued', 'agent', 'closed'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];
