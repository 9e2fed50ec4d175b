/**
 * Delivery of one outbound message through twilio-node's `messages.create`: picks the sender for the channel,
 * splits answers past 1600 characters, and keeps WhatsApp inside Meta's 24-hour rule (a template outside the
 * window, or a permanent "held" failure when no template is configured). Every message's StatusCallback names
 * its outbox row; when an earlier attempt's outcome is unknown, the message is looked for before it is sent.
 */
import type twilio from 'twilio';
import type { Outbound } from '../../src/model.js';
import { ChannelError } from '../../src/errors.js';
import type { DeliveryAttempt } from '../../src/outbox/delivery-attempt.js';
import { customerFacingText, type PersonLabel } from '../../src/person-label.js';
import { splitForSms } from './sms-split.js';
import { classifyTwilioError, OPTED_OUT, WHATSAPP_WINDOW_CLOSED } from './twilio-errors.js';
import { findSentMessage } from './twilio-sent-lookup.js';
import { twilioRefSchema } from './whatsapp-window.js';
import { withinReplyWindow } from '../../src/channel-capabilities.js';

type MessageCreateParams = Parameters<twilio.Twilio['messages']['create']>[0];

export interface TwilioSenderOptions {
  client: twilio.Twilio;
  /** An E.164 number or a Messaging Service SID (MG…). */
  smsFrom?: string;
  /** The WhatsApp sender's E.164 number, with or without the `whatsapp:` prefix. */
  whatsappFrom?: string;
  /** Content SID of an approved template whose variable {{1}} carries the message text. */
  whatsappTemplateSid?: string;
  /** Where Twilio posts delivery status for the messages we create. */
  statusCallbackUrl?: string;
  /** The customer's last inbound time in a conversation: opens the WhatsApp window. */
  lastInboundAt(conversationId: number): Promise<Date | null | undefined>;
  /** Labels an agent's message as from a person, in the conversation's language. */
  personLabel: PersonLabel;
  /** Whether the customer at this address has opted out; then only compliance replies (STOP/START/HELP) still go. */
  isOptedOut(outbound: Outbound): Promise<boolean>;
  /** Whether a Message SID is already recorded for one of our messages on this channel. */
  isRecorded(channel: 'sms' | 'whatsapp', sid: string): Promise<boolean>;
  now?: () => Date;
}

export interface TwilioSender {
  /**
   * With `attempt`, a long SMS resumes after the parts an earlier attempt delivered and records each new one, the
   * StatusCallback carries the outbox row, and a message an earlier attempt may have sent is looked up first.
   */
  send(outbound: Outbound, attempt?: DeliveryAttempt): Promise<{ providerId: string }>;
}

/** The status callback URL of one message: the outbox row, and the part of a long SMS, as query parameters. */
function statusCallbackFor(base: string, outboxId: number | undefined, part: number | undefined): string {
  if (outboxId === undefined) return base;
  const url = new URL(base);
  url.searchParams.set('outbox', String(outboxId));
  if (part !== undefined) url.searchParams.set('part', String(part));
  return url.href;
}

function withWhatsappPrefix(number: string): string {
  return number.startsWith('whatsapp:') ? number : `whatsapp:${number}`;
}

export function createTwilioSender(options: TwilioSenderOptions): TwilioSender {
  const { client } = options;
  const now = options.now ?? (() => new Date());

  function senderOf(outbound: Outbound): Pick<MessageCreateParams, 'from' | 'messagingServiceSid'> {
    const from = outbound.to.channel === 'whatsapp' ? options.whatsappFrom : options.smsFrom;
    if (!from) throw new ChannelError(`no Twilio sender is configured for ${outbound.to.channel}`, false, 'not_configured');
    if (outbound.to.channel === 'whatsapp') return { from: withWhatsappPrefix(from) };
    return from.startsWith('MG') ? { messagingServiceSid: from } : { from };
  }

  /**
   * Creates the message, unless `unknownSince` says an earlier attempt may have created it already and Twilio
   * lists it (its body passing `matches`): then that message's SID is the answer.
   */
  async function create(params: MessageCreateParams, where: string, unknownSince?: Date, matches?: (body: string) => boolean): Promise<string> {
    if (unknownSince && matches) {
      const channel = params.to.startsWith('whatsapp:') ? 'whatsapp' : 'sms';
      const found = await findSentMessage(client, {
        to: params.to,
        from: params.from,
        messagingServiceSid: params.messagingServiceSid,
        since: unknownSince,
        matches,
        isRecorded: (sid) => options.isRecorded(channel, sid),
        where,
      });
      if (found) return found;
    }
    try {
      const message = await client.messages.create(params);
      return message.sid;
    } catch (error) {
      throw classifyTwilioError(error, where);
    }
  }

  const textOf = (outbound: Outbound): string => customerFacingText(outbound, (name) => options.personLabel(name, outbound.language));

  async function sendWhatsapp(outbound: Outbound, base: MessageCreateParams, unknownSince: Date | undefined): Promise<string> {
    const forced = twilioRefSchema.parse(outbound.to.ref ?? {}).template === true;
    const open = !forced && withinReplyWindow('whatsapp', await options.lastInboundAt(outbound.conversationId), now());
    const text = textOf(outbound);
    // An earlier attempt may have sent the free-form text or the template, whose body holds the text.
    const matches = (body: string) => body.includes(text);
    if (open) return create({ ...base, body: text }, `whatsapp message ${outbound.messageId}`, unknownSince, matches);
    if (!options.whatsappTemplateSid) {
      throw new ChannelError(
        `WhatsApp message ${outbound.messageId} held: the 24-hour window is closed and TWILIO_WHATSAPP_TEMPLATE_SID is not set`,
        false,
        WHATSAPP_WINDOW_CLOSED,
        { refusal: 'window_closed' },
      );
    }
    return create(
      { ...base, contentSid: options.whatsappTemplateSid, contentVariables: JSON.stringify({ 1: text }) },
      `whatsapp template for message ${outbound.messageId}`,
      unknownSince,
      matches,
    );
  }

  return {
    async send(outbound, attempt) {
      if (outbound.to.channel !== 'sms' && outbound.to.channel !== 'whatsapp') {
        throw new ChannelError(`the Twilio adapter cannot deliver to ${outbound.to.channel}`, false, 'wrong_channel');
      }
      // Only the compliance reply itself may reach an opted-out number; a system notice queued just before the
      // STOP (e.g. a handoff notice) must not follow its confirmation.
      if (outbound.compliance !== true && (await options.isOptedOut(outbound))) {
        throw new ChannelError(`message ${outbound.messageId} not sent: the customer opted out`, false, OPTED_OUT, { refusal: 'recipient_opted_out' });
      }
      const to = outbound.to.channel === 'whatsapp' ? withWhatsappPrefix(outbound.to.id) : outbound.to.id;
      const callback = options.statusCallbackUrl;
      const base = (part?: number): MessageCreateParams => ({
        to,
        ...senderOf(outbound),
        ...(callback ? { statusCallback: statusCallbackFor(callback, attempt?.outboxId, part) } : {}),
      });
      const unknownSince = attempt?.outcomeUnknownSince;
      if (outbound.to.channel === 'whatsapp') return { providerId: await sendWhatsapp(outbound, base(), unknownSince) };

      // Beyond 1600 characters Twilio rejects the body (21617), so long answers go as several messages. Each
      // delivered part is recorded before the next is tried: a retry after part 2 failed starts at part 2.
      const parts = splitForSms(textOf(outbound));
      const sids = [...(attempt?.sentParts ?? [])].slice(0, parts.length);
      // Only the first part not recorded can have gone out unrecorded: a later one is tried only after it is.
      const firstUnrecorded = sids.length;
      for (let index = firstUnrecorded; index < parts.length; index += 1) {
        const body = parts[index] ?? '';
        const sid = await create(
          { ...base(parts.length > 1 ? index + 1 : undefined), body },
          `sms message ${outbound.messageId} part ${index + 1}/${parts.length}`,
          index === firstUnrecorded ? unknownSince : undefined,
          (listed) => listed === body,
        );
        sids.push(sid);
        // The last part needs no record: the outbox settles the row with it.
        if (index < parts.length - 1) await attempt?.recordPart(sid);
      }
      // Status callbacks are matched on the first part's SID.
      return { providerId: sids[0] ?? '' };
    },
  };
}
