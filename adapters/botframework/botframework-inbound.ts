/**
 * Bot Framework Activity → what Switchboard does with it. Pure: no I/O, the clock is an argument, so the
 * mapping is tested on recorded Web Chat and Teams activities (test/fixtures/botframework/).
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { Address, ChannelHints, Inbound, Media } from '../../src/model.js';
import { stripNonCharacters } from '../../src/unicode-text.js';
import { activitySchema, describeIssue, type ParsedActivity } from './botframework-schemas.js';
import { botbuilder } from './botbuilder-sdk.js';

/** What one inbound activity means to us. */
export type BotFrameworkEvent =
  | { kind: 'message'; inbound: Inbound }
  /** The customer joined the conversation: greet them (with the AI disclosure) before they write. */
  | { kind: 'join'; address: Address; hints: ChannelHints }
  | { kind: 'ignored'; reason: string };

export type MapResult = { ok: true; event: BotFrameworkEvent } | { ok: false; reason: string };

/** Where replies to this activity's conversation go; the stored reference survives restarts. */
export function addressOf(activity: ParsedActivity): Address {
  return {
    channel: 'botframework',
    id: activity.conversation.id,
    // Through JSON: the store keeps plain data, without the SDK's `undefined` fields.
    ref: JSON.parse(JSON.stringify(referenceOf(activity))) as unknown,
  };
}

/**
 * The SDK's account types mark fields the protocol leaves optional (name, isGroup, conversationType) as
 * required; the schema has validated everything `getConversationReference` reads.
 */
function referenceOf(activity: ParsedActivity): Partial<ConversationReference> {
  return botbuilder().TurnContext.getConversationReference(activity as unknown as Partial<Activity>);
}

/** Display names longer than this are cut: a name is shown to staff, not read as a message. */
const MAX_NAME_LENGTH = 256;

function hintsOf(activity: ParsedActivity, name: string | undefined): ChannelHints {
  const shown = stripNonCharacters(name ?? '').slice(0, MAX_NAME_LENGTH).trim();
  return {
    ...(activity.locale ? { locale: activity.locale } : {}),
    ...(shown ? { name: shown } : {}),
  };
}

/**
 * Teams puts `<at>Bot name</at>` into the text when the bot is @mentioned in a group chat or channel; the
 * mention entity names the exact text to remove (what `TurnContext.removeRecipientMention` does).
 */
function withoutBotMentions(activity: ParsedActivity): string {
  let text = stripNonCharacters(activity.text ?? '');
  for (const entity of activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mentioned = entity['mentioned'];
    const mentionText = entity['text'];
    const isBot = typeof mentioned === 'object' && mentioned !== null && 'id' in mentioned && mentioned.id === activity.recipient.id;
    if (isBot && typeof mentionText === 'string' && mentionText) text = text.split(mentionText).join('');
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** Files and images the customer sent; cards and other inline attachments without a URL are not media. */
function mediaOf(activity: ParsedActivity): Media[] {
  return (activity.attachments ?? [])
    .filter((a): a is typeof a & { contentUrl: string } => typeof a.contentUrl === 'string' && /^(https?|data):/.test(a.contentUrl))
    .map((a) => ({ url: a.contentUrl, contentType: a.contentType }));
}

function toEvent(activity: ParsedActivity, receivedAt: Date): MapResult {
  const botId = activity.recipient.id;
  if (activity.type === 'conversationUpdate') {
    const added = activity.membersAdded ?? [];
    // Web Chat / Direct Line add the user; Teams, on installing the bot in a 1:1 chat, adds only the bot, and the
    // user who installed it is the sender. Bots added to group chats and channels greet no one.
    const customer =
      added.find((member) => member.id !== botId) ??
      (activity.conversation.conversationType === 'personal' && added.some((member) => member.id === botId) ? activity.from : undefined);
    if (!customer) return { ok: true, event: { kind: 'ignored', reason: 'conversationUpdate without the customer joining' } };
    return { ok: true, event: { kind: 'join', address: addressOf(activity), hints: hintsOf(activity, customer.name) } };
  }
  if (activity.type !== 'message') {
    return { ok: true, event: { kind: 'ignored', reason: `activity type ${activity.type}` } };
  }
  if (activity.from.id === botId) return { ok: true, event: { kind: 'ignored', reason: 'echo of our own message' } };
  if (!activity.id) return { ok: false, reason: 'id: a message activity needs an id (the idempotency key)' };
  const text = withoutBotMentions(activity);
  const media = mediaOf(activity);
  if (!text && media.length === 0) return { ok: true, event: { kind: 'ignored', reason: 'message without text or files' } };
  const inbound: Inbound = {
    // Activity ids are unique per conversation, not globally: Direct Line numbers them `<conversation>|0000001`,
    // but other channels need not, so the conversation is part of the key.
    externalId: `${activity.conversation.id}/${activity.id}`,
    from: addressOf(activity),
    text,
    ...(media.length > 0 ? { media } : {}),
    hints: hintsOf(activity, activity.from.name),
    receivedAt,
  };
  return { ok: true, event: { kind: 'message', inbound } };
}

/** Validates an activity (400 with the reason when it does not fit) and says what it means. */
export function mapActivity(activity: unknown, receivedAt: Date): MapResult {
  const parsed = activitySchema.safeParse(activity);
  if (!parsed.success) return { ok: false, reason: describeIssue(parsed.error) };
  return toEvent(parsed.data, receivedAt);
}
