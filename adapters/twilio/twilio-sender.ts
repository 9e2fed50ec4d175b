/**
 * Delivery of one outbound message through twilio-node's `messages.create`: picks the sender for the channel,
 * splits answers past 1600 characters, and keeps WhatsApp inside Meta's 24-hour rule (a template outside the
 * window, or a permanent "held" failure when no template is configured).
 */
import type twilio from 'twilio';
import type { Outbound, SendProgress } from '../../src/model.js';
import { ChannelError } from '../../src/errors.js';
import { customerFacingText, type PersonLabel } from '../../src/person-label.js';
import { splitForSms } from './sms-split.js';
import { classifyTwilioError, WHATSAPP_WINDOW_CLOSED } from './twilio-errors.js';
import { isWithinWindow, twilioRefSchema } from './whatsapp-window.js';

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
  now?: () => Date;
}

export interface TwilioSender {
  /** With `progress`, a long SMS resumes after the parts an earlier attempt delivered and records each new one. */
  send(outbound: Outbound, progress?: SendProgress): Promise<{ providerId: string }>;
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

  async function create(params: MessageCreateParams, where: string): Promise<string> {
    try {
      const message = await client.messages.create(params);
      return message.sid;
    } catch (error) {
      throw classifyTwilioError(error, where);
    }
  }

  const textOf = (outbound: Outbound): string => customerFacingText(outbound, (name) => options.personLabel(name, outbound.language));

  async function sendWhatsapp(outbound: Outbound, base: MessageCreateParams): Promise<string> {
    const forced = twilioRefSchema.parse(outbound.to.ref ?? {}).template === true;
    const open = !forced && isWithinWindow(await options.lastInboundAt(outbound.conversationId), now());
    if (open) return create({ ...base, body: textOf(outbound) }, `whatsapp message ${outbound.messageId}`);
    if (!options.whatsappTemplateSid) {
      throw new ChannelError(
        `WhatsApp message ${outbound.messageId} held: the 24-hour window is closed and TWILIO_WHATSAPP_TEMPLATE_SID is not set`,
        false,
        WHATSAPP_WINDOW_CLOSED,
      );
    }
    return create(
      { ...base, contentSid: options.whatsappTemplateSid, contentVariables: JSON.stringify({ 1: textOf(outbound) }) },
      `whatsapp template for message ${outbound.messageId}`,
    );
  }

  return {
    async send(outbound, progress) {
      if (outbound.to.channel !== 'sms' && outbound.to.channel !== 'whatsapp') {
        throw new ChannelError(`the Twilio adapter cannot deliver to ${outbound.to.channel}`, false, 'wrong_channel');
      }
      // Only the compliance reply itself may reach an opted-out number; a system notice queued just before the
      // STOP (e.g. a handoff notice) must not follow its confirmation.
      if (outbound.compliance !== true && (await options.isOptedOut(outbound))) {
        throw new ChannelError(`message ${outbound.messageId} not sent: the customer opted out`, false, 'opted_out');
      }
      const to = outbound.to.channel === 'whatsapp' ? withWhatsappPrefix(outbound.to.id) : outbound.to.id;
      const base: MessageCreateParams = {
        to,
        ...senderOf(outbound),
        ...(options.statusCallbackUrl ? { statusCallback: options.statusCallbackUrl } : {}),
      };
      if (outbound.to.channel === 'whatsapp') return { providerId: await sendWhatsapp(outbound, base) };

      // Beyond 1600 characters Twilio rejects the body (21617), so long answers go as several messages. Each
      // delivered part is recorded before the next is tried: a retry after part 2 failed starts at part 2.
      const parts = splitForSms(textOf(outbound));
      const sids = [...(progress?.sentParts ?? [])].slice(0, parts.length);
      for (let index = sids.length; index < parts.length; index += 1) {
        const sid = await create({ ...base, body: parts[index] }, `sms message ${outbound.messageId} part ${index + 1}/${parts.length}`);
        sids.push(sid);
        // The last part needs no record: the outbox settles the row with it.
        if (index < parts.length - 1) await progress?.recordPart(sid);
      }
      // Status callbacks are matched on the first part's SID.
      return { providerId: sids[0] ?? '' };
    },
  };
}
