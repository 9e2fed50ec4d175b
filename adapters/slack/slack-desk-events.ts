/**
 * Slack payloads → the desk events we record before Slack gets its 200, and back: pure mappers and the zod
 * schema of the recorded form. Recording keeps only what processing needs (who, where, what), never Slack's
 * whole payload; processing (src/inbox/, through the desk) reads it back with {@link parseDeskEvent}.
 */
import { z } from 'zod';
import type { NewDeskEvent } from '../../src/store/store.js';
import { ACTION_IDS } from './slack-blocks.js';
import type { BlockAction, MessageEvent } from './slack-payloads.js';

const deskThreadSchema = z.object({ channel: z.string().min(1), thread: z.string().min(1) });

const deskEventSchema = z.discriminatedUnion('kind', [
  /** A staff member's reply in a queue thread, for the customer. */
  z.object({ kind: z.literal('agent_reply'), at: deskThreadSchema, userId: z.string().min(1), text: z.string() }),
  /** A Claim / Hand back / Close click on a card or its thread. */
  z.object({
    kind: z.literal('action'),
    action: z.enum(['claim', 'hand_back', 'close']),
    handoffId: z.number().int().positive(),
    userId: z.string().min(1),
    userName: z.string().optional(),
    at: deskThreadSchema.optional(),
  }),
]);

export type DeskEvent = z.infer<typeof deskEventSchema>;

/** Where Slack events are recorded; the key a redelivery repeats is Slack's event_id, or the click's trigger_id. */
export const SLACK_EVENT_SOURCE = 'slack';

const ACTIONS_BY_ID = new Map<string, keyof typeof ACTION_IDS>(Object.entries(ACTION_IDS).map(([action, id]) => [id, action as keyof typeof ACTION_IDS]));

function recorded(eventId: string, event: DeskEvent, receivedAt: Date): NewDeskEvent {
  // One thread's events are processed in order: a claim before the reply typed right after it.
  const orderKey = event.at ? `${event.at.channel}:${event.at.thread}` : `handoff:${event.kind === 'action' ? event.handoffId : 0}`;
  return { source: SLACK_EVENT_SOURCE, eventId, orderKey, payload: JSON.stringify(event), receivedAt };
}

/**
 * A thread reply by a person in the queue channel, to record; undefined for everything else: our own posts
 * (cards, relayed customer messages) coming back as events, other bots, edits and other subtypes, top-level posts.
 */
export function deskEventOfMessage(payload: MessageEvent, queueChannel: string, ownBotUserId: string, receivedAt: Date): NewDeskEvent | undefined {
  const { event } = payload;
  if (event.bot_id !== undefined || event.subtype !== undefined || !event.user || event.user === ownBotUserId) return undefined;
  if (event.channel !== queueChannel || !event.thread_ts || event.thread_ts === event.ts) return undefined;
  return recorded(payload.event_id, { kind: 'agent_reply', at: { channel: event.channel, thread: event.thread_ts }, userId: event.user, text: event.text }, receivedAt);
}

/** The thread a click came from: the card's own thread, or the thread the controls were posted in. */
function threadOfAction(payload: BlockAction): DeskEvent['at'] {
  const channel = payload.container?.channel_id ?? payload.channel?.id;
  const ts = payload.container?.thread_ts ?? payload.message?.thread_ts ?? payload.container?.message_ts ?? payload.message?.ts;
  return channel && ts ? { channel, thread: ts } : undefined;
}

/** A click on one of our buttons, to record; undefined for another action. */
export function deskEventOfAction(payload: BlockAction, receivedAt: Date): NewDeskEvent | undefined {
  const [clicked] = payload.actions;
  const action = clicked && ACTIONS_BY_ID.get(clicked.action_id);
  if (!clicked || !action) return undefined;
  const at = threadOfAction(payload);
  const userName = payload.user.name ?? payload.user.username;
  // trigger_id is unique per interaction, like event_id per event: a replayed click is refused.
  return recorded(
    `interaction:${payload.trigger_id}`,
    { kind: 'action', action, handoffId: Number(clicked.value), userId: payload.user.id, ...(userName !== undefined && { userName }), ...(at && { at }) },
    receivedAt,
  );
}

/** The recorded event, or undefined when the row cannot be read (logged and finished by the caller). */
export function parseDeskEvent(payload: string): DeskEvent | undefined {
  try {
    const parsed = deskEventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
