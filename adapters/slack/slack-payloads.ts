/**
 * zod schemas for the parts of Slack payloads we read: a button click and a channel message event. Ids and
 * timestamps are held to Slack's own alphabets, so nothing else (U+0000 included) reaches a store query.
 */
import { z } from 'zod';

/** Slack's ids: users U…/W…, channels C…/G…/D…, teams, bots. */
const slackId = () => z.string().regex(/^[A-Z0-9]{1,40}$/);
/** Message timestamps: seconds.microseconds. */
const slackTs = () => z.string().regex(/^\d{1,12}\.\d{1,8}$/);

export const blockActionSchema = z.object({
  type: z.literal('block_actions'),
  /** Unique per interaction: a replayed request carries the same one. */
  trigger_id: z.string().regex(/^[\w.-]{1,200}$/),
  user: z.object({ id: slackId(), username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: slackId() }).optional(),
  container: z.object({ channel_id: slackId().optional(), message_ts: slackTs().optional(), thread_ts: slackTs().optional() }).optional(),
  message: z.object({ ts: slackTs(), thread_ts: slackTs().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().regex(/^\d{1,15}$/) })).min(1),
});
export type BlockAction = z.infer<typeof blockActionSchema>;

export const messageEventSchema = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  event: z.object({
    type: z.literal('message'),
    channel: slackId(),
    user: slackId().optional(),
    text: z.string().default(''),
    ts: slackTs(),
    thread_ts: slackTs().optional(),
    bot_id: z.string().optional(),
    subtype: z.string().optional(),
  }),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;
