/**
 * Reconciliation before a repeat: when an earlier attempt may have reached Twilio unrecorded, the message it
 * would have created is looked up in the Messages list (To, From and DateSent filters) instead of being sent
 * again. Twilio applies DateSent by day, so the time, the body and "not already recorded" are checked here.
 * See https://www.twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources
 */
import type twilio from 'twilio';
import { classifyTwilioError } from './twilio-errors.js';

/** Twilio's clock and ours differ a little, and its timestamps have whole seconds. */
const CLOCK_ALLOWANCE_MS = 60_000;
/** Messages to one customer from our sender in the window: a handful at most (the parts of one reply). */
const LOOKUP_LIMIT = 50;

export interface SentMessageQuery {
  /** The recipient as Twilio writes it (`whatsapp:+…` for WhatsApp). */
  to: string;
  /** Our sender number; absent for a Messaging Service, whose number Twilio picks. */
  from: string | undefined;
  /** The Messaging Service SID when the sender is one. */
  messagingServiceSid: string | undefined;
  /** When the attempt whose outcome is unknown started. */
  since: Date;
  /** Whether a listed message's body is what that attempt would have sent. */
  matches(body: string): boolean;
  /** Whether a Message SID already stands for another of our messages (then it is not the one sought). */
  isRecorded(sid: string): Promise<boolean>;
  /** Names the message in errors (no secrets). */
  where: string;
}

/** The SID of the message an earlier attempt created, or undefined when Twilio lists none. */
export async function findSentMessage(client: twilio.Twilio, query: SentMessageQuery): Promise<string | undefined> {
  const after = query.since.getTime() - CLOCK_ALLOWANCE_MS;
  let listed;
  try {
    listed = await client.messages.list({
      to: query.to,
      ...(query.from !== undefined && { from: query.from }),
      dateSentAfter: new Date(after),
      limit: LOOKUP_LIMIT,
    });
  } catch (error) {
    // Without the answer we cannot know: the attempt is retried later rather than risking a second copy.
    throw classifyTwilioError(error, `the lookup of ${query.where}`);
  }
  const candidates = listed
    .filter((m) => m.direction.startsWith('outbound'))
    .filter((m) => query.messagingServiceSid === undefined || m.messagingServiceSid === query.messagingServiceSid)
    .filter((m) => m.dateCreated.getTime() >= after && query.matches(m.body))
    .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
  for (const candidate of candidates) {
    if (!(await query.isRecorded(candidate.sid))) return candidate.sid;
  }
  return undefined;
}
