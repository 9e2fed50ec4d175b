/** zod schemas for the parts of Slack payloads we read: a button click and a channel message event. */
import { z } from 'zod';

export const blockActionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string(), username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().regex(/^\d+$/) })).min(1),
});
export type BlockAction = z.infer<typeof blockActionSchema>;

export const messageEventSchema = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().min(1),
  event: z.object({
    type: z.literal('message'),
    channel: z.string(),
    user: z.string().optional(),
    text: z.string().default(''),
    ts: z.string(),
    thread_ts: z.string().optional(),
    bot_id: z.string().optional(),
    subtype: z.string().optional(),
  }),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;
