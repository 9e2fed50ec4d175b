/**
 * The parts of the Bot Framework Activity protocol we rely on, as zod schemas. Objects are loose: channels add
 * fields (Teams' channelData, entities) that we pass through untouched into the stored ConversationReference.
 * Protocol reference: https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md
 */
import { z } from 'zod';
import { hasNonCharacters, NON_CHARACTER_REASON } from '../../src/unicode-text.js';

/** The longest message text taken, like the other channels' caps (web 2,000, SMS 1,600): longer is refused with 400. */
export const MAX_ACTIVITY_TEXT = 4000;

/**
 * A string we store or send back as it is (ids, locale, URLs): U+0000 and noncharacters are refused, since
 * PostgreSQL rejects U+0000 in text and no channel sends them. Free text (`text`, names) is stripped instead.
 */
const kept = () => z.string().refine((value) => !hasNonCharacters(value), NON_CHARACTER_REASON);

export const channelAccountSchema = z.looseObject({
  id: kept().min(1),
  name: z.string().optional(),
  role: z.string().optional(),
});

export const conversationAccountSchema = z.looseObject({
  id: kept().min(1),
  name: z.string().optional(),
  tenantId: kept().optional(),
  conversationType: z.string().optional(),
  isGroup: z.boolean().optional(),
});

export const attachmentSchema = z.looseObject({
  contentType: kept().min(1),
  contentUrl: kept().optional(),
  name: z.string().optional(),
});

export const mentionEntitySchema = z.looseObject({
  type: z.literal('mention'),
  text: z.string().optional(),
  mentioned: z.looseObject({ id: z.string() }).optional(),
});

/** Fields every activity we act on must have; `serviceUrl` is where replies go. */
export const activitySchema = z.looseObject({
  type: z.string().min(1),
  id: kept().min(1).optional(),
  channelId: kept().min(1),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  from: channelAccountSchema,
  recipient: channelAccountSchema,
  conversation: conversationAccountSchema,
  // Checked before anything else reads it (mention removal, the engine, the model).
  text: z.string().max(MAX_ACTIVITY_TEXT, `must be at most ${MAX_ACTIVITY_TEXT} characters`).optional(),
  locale: kept().optional(),
  attachments: z.array(attachmentSchema).optional(),
  entities: z.array(z.looseObject({ type: z.string() })).optional(),
  membersAdded: z.array(channelAccountSchema).optional(),
});

export type ParsedActivity = z.infer<typeof activitySchema>;

/**
 * What `TurnContext.getConversationReference(activity)` returns and `continueConversationAsync` needs. Read
 * back from the store, so it is validated again before a send trusts it.
 */
export const conversationReferenceSchema = z.looseObject({
  activityId: z.string().optional(),
  user: channelAccountSchema.optional(),
  bot: channelAccountSchema,
  conversation: conversationAccountSchema,
  channelId: z.string().min(1),
  locale: z.string().optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }),
});

export type StoredConversationReference = z.infer<typeof conversationReferenceSchema>;

/** The first issue of a failed parse as one line: `conversation.id: expected string`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
