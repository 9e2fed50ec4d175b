/**
 * What each customer channel can do, in one table: the engine, the model's answers and the surveys ask it
 * instead of comparing channel ids, so a new channel is one row here.
 */
import type { Channel } from './model.js';

export interface ChannelCapabilities {
  /** Answers must fit one SMS: the knowledge base's short answers, and the model held to one SMS. */
  readonly shortAnswers: boolean;
  /** Carrier rules apply: STOP, START and HELP are honoured before any dialogue. */
  readonly complianceKeywords: boolean;
  /** The address is an E.164 phone number, whose country code is evidence of the customer's language. */
  readonly phoneAddressed: boolean;
  /**
   * Free-form messages are accepted only this long after the customer's last message (WhatsApp's customer
   * service window, https://www.twilio.com/docs/whatsapp/key-concepts#the-24-hour-window-or-24-hour-session);
   * undefined when there is no such window.
   */
  readonly replyWindowMs: number | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const CHANNEL_CAPABILITIES = {
  sms: { shortAnswers: true, complianceKeywords: true, phoneAddressed: true, replyWindowMs: undefined },
  whatsapp: { shortAnswers: false, complianceKeywords: true, phoneAddressed: true, replyWindowMs: DAY_MS },
  web: { shortAnswers: false, complianceKeywords: false, phoneAddressed: false, replyWindowMs: undefined },
  botframework: { shortAnswers: false, complianceKeywords: false, phoneAddressed: false, replyWindowMs: undefined },
} as const satisfies Readonly<Record<Channel, ChannelCapabilities>>;

export function capabilitiesOf(channel: Channel): ChannelCapabilities {
  return CHANNEL_CAPABILITIES[channel];
}

/**
 * True when a free-form message sent at `now` is accepted: the channel has no reply window, or the window
 * opened at `lastInboundAt` stays open for at least `marginMs` more (so a retry still lands inside it).
 */
export function withinReplyWindow(channel: Channel, lastInboundAt: Date | null | undefined, now: Date, marginMs = 0): boolean {
  const { replyWindowMs } = capabilitiesOf(channel);
  if (replyWindowMs === undefined) return true;
  if (!lastInboundAt) return false;
  return now.getTime() - lastInboundAt.getTime() < replyWindowMs - marginMs;
}
