/**
 * The Slack staff desk: an {@link AgentDesk} over the Slack Web API, and the `POST /slack/events` route
 * (Events API and interactivity) through Bolt's ExpressReceiver mounted on our own express router. We verify
 * the signature ourselves first (symmetric window, injectable clock) and hand Bolt the raw body. The route only
 * records staff events (ack on record); the inbox worker hands each back to {@link SlackDesk.process}, which
 * looks the person up, acts on the handoff and tells them privately when it could not.
 */
import express, { type Router } from 'express';
import { WebClient } from '@slack/web-api';
import type { Logger } from '../../src/logger.js';
import { SignatureError } from '../../src/errors.js';
import type { DeskEventItem, NewDeskEvent } from '../../src/store/store.js';
import type { Agent, AgentDesk, ClaimOutcome, DeskEventRef, DeskThread, EndOutcome, HandoffActions, ReplyOutcome } from '../../src/handoff/agent-desk.js';
import { deskEventOfAction, deskEventOfMessage, parseDeskEvent, type DeskEvent } from './slack-desk-events.js';
import { createRefusalLog } from '../../src/refusal-log.js';
import { stripNonCharacters } from '../../src/unicode-text.js';
import { createBoltLogger } from './bolt-logger.js';
import { bolt } from './bolt-sdk.js';
import { verifySlackSignature } from './slack-signature.js';
import { ACTION_IDS, cardBlocks, cardText } from './slack-blocks.js';
import { threadPostMessage } from './slack-thread-posts.js';
import { blockActionSchema, messageEventSchema } from './slack-payloads.js';
import { alertMessage } from './slack-alert-blocks.js';
import type { AlertChannel } from '../../src/insights/spike-alerts.js';

export interface SlackDeskOptions {
  botToken: string;
  signingSecret: string;
  queueChannel: string;
  /** Web API base URL ending in /api/; tests point it at a local fake. */
  apiUrl?: string;
  /** Mentioned in re-pages (SLACK_ONCALL_MENTION), e.g. "<!subteam^S0123>". */
  oncallMention?: string | undefined;
  logger: Logger;
  /** Milliseconds since the epoch, for the signature window. */
  nowMs?: () => number;
}

export interface SlackDesk extends AgentDesk, AlertChannel {
  /** Checks the token (auth.test) and learns our bot's ids, so our own messages are never relayed. */
  start(): Promise<void>;
  /**
   * The `/slack/events` route: verifies and records each staff event; `record` is false for an event id seen
   * before (Slack's retry, a replayed request), which is acknowledged and not recorded again.
   */
  routes(record: (event: NewDeskEvent) => Promise<boolean>): Router;
  /** Processes one recorded event (from the inbox worker): claims, hand-backs, closes and replies to the customer. */
  process(item: DeskEventItem, actions: HandoffActions): Promise<void>;
}

const BODY_LIMIT = '1mb';
/** The longest agent reply sent on to a customer, like the longest customer message taken (Bot Framework's cap). */
export const MAX_AGENT_REPLY_LENGTH = 4000;

function describeClaim(outcome: ClaimOutcome): string | undefined {
  if (outcome.ok) return undefined;
  if (outcome.why === 'claimed_by_other') return `<@${outcome.heldBy.id}> already has this conversation.`;
  return 'This conversation was already handed back or closed.';
}

function describeEnd(outcome: EndOutcome): string | undefined {
  return outcome.ok ? undefined : 'This conversation was already handed back or closed.';
}

function describeReply(outcome: ReplyOutcome): string | undefined {
  if (outcome.delivered || outcome.why === 'not_a_handoff') return undefined;
  switch (outcome.why) {
    case 'opted_out':
      return 'Not sent: this customer opted out of messages (e.g. replied STOP to SMS). They cannot be contacted on this channel.';
    case 'not_claimed':
      return 'Not sent to the customer: claim the conversation first.';
    case 'ended':
      return 'Not sent: this conversation was already handed back or closed.';
    case 'claimed_by_other':
      return `Not sent to the customer: <@${outcome.heldBy.id}> has this conversation.`;
  }
}

export function createSlackDesk(options: SlackDeskOptions): SlackDesk {
  const logger = options.logger.child({ desk: 'slack' });
  const boltLogger = createBoltLogger(logger);
  const clientOptions = {
    ...(options.apiUrl !== undefined && { slackApiUrl: options.apiUrl }),
    logger: boltLogger,
    // Paging must not wait half an hour behind Slack's default retry schedule; the queue re-pages instead.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
  };
  const client = new WebClient(options.botToken, clientOptions);
  const nowMs = options.nowMs ?? (() => Date.now());
  const refusals = createRefusalLog({ logger, now: nowMs });
  let bot: { userId: string; botId: string } | undefined;

  /** A message only one member of staff sees (e.g. "already claimed by …"). */
  async function notify(at: DeskThread, agentId: string, text: string): Promise<void> {
    await client.chat.postEphemeral({ channel: at.channel, user: agentId, text, thread_ts: at.thread });
  }

  async function displayName(userId: string, fallback: string | undefined): Promise<string> {
    try {
      const info = await client.users.info({ user: userId });
      const profile = info.user?.profile;
      return profile?.display_name || profile?.real_name || info.user?.real_name || info.user?.name || fallback || userId;
    } catch (error) {
      logger.warn({ err: error, userId }, 'users.info failed; using the name from the payload');
      return fallback || userId;
    }
  }

  async function notifyFailure(at: DeskThread | undefined, userId: string, text: string | undefined): Promise<void> {
    if (!text || !at) return;
    await notify(at, userId, text).catch((error: unknown) => logger.warn({ err: error }, 'ephemeral notice failed'));
  }

  async function act(event: Extract<DeskEvent, { kind: 'action' }>, deskEvent: DeskEventRef, actions: HandoffActions): Promise<void> {
    const agent: Agent = { id: event.userId, name: await displayName(event.userId, event.userName) };
    if (event.action === 'claim') await notifyFailure(event.at, agent.id, describeClaim(await actions.claim(event.handoffId, agent, deskEvent)));
    else if (event.action === 'hand_back') await notifyFailure(event.at, agent.id, describeEnd(await actions.handBack(event.handoffId, agent, deskEvent)));
    else await notifyFailure(event.at, agent.id, describeEnd(await actions.close(event.handoffId, agent, deskEvent)));
  }

  async function reply(event: Extract<DeskEvent, { kind: 'agent_reply' }>, deskEvent: DeskEventRef, actions: HandoffActions): Promise<void> {
    const text = stripNonCharacters(event.text);
    if (text.length > MAX_AGENT_REPLY_LENGTH) {
      await notifyFailure(event.at, event.userId, `Not sent: a reply to a customer may have at most ${MAX_AGENT_REPLY_LENGTH} characters (this one has ${text.length}).`);
      return;
    }
    const agent: Agent = { id: event.userId, name: await displayName(event.userId, undefined) };
    await notifyFailure(event.at, agent.id, describeReply(await actions.agentReply(event.at, agent, text, deskEvent)));
  }

  const desk: SlackDesk = {
    async start() {
      const auth = await client.auth.test();
      if (!auth.user_id || !auth.bot_id) throw new Error('Slack auth.test returned no bot user: SLACK_BOT_TOKEN must be a bot token (xoxb-)');
      bot = { userId: auth.user_id, botId: auth.bot_id };
      logger.info({ botUserId: bot.userId, team: auth.team }, 'slack desk connected');
    },

    async page(card) {
      const result = await client.chat.postMessage({ channel: options.queueChannel, text: cardText(card), blocks: cardBlocks(card), unfurl_links: false });
      if (!result.ts || !result.channel) throw new Error('chat.postMessage returned no ts');
      return { channel: result.channel, thread: result.ts };
    },

    async postAlert(alert) {
      await client.chat.postMessage({ channel: options.queueChannel, ...alertMessage(alert), unfurl_links: false, unfurl_media: false });
    },

    async updateCard(at, card) {
      await client.chat.update({ channel: at.channel, ts: at.thread, text: cardText(card), blocks: cardBlocks(card) });
    },

    async postToThread(at, post) {
      await client.chat.postMessage({ channel: at.channel, thread_ts: at.thread, ...threadPostMessage(post, { oncallMention: options.oncallMention }) });
    },

    async process(item, actions) {
      const event = parseDeskEvent(item.payload);
      if (!event) logger.error({ deskEventId: item.id }, 'unreadable recorded slack event; skipped');
      else {
        // Leased once per attempt: more than one means an earlier attempt ran and did not finish.
        const deskEvent = { id: item.id, repeated: item.attempts > 1 };
        if (event.kind === 'action') await act(event, deskEvent, actions);
        else await reply(event, deskEvent, actions);
      }
    },

    routes(record) {
      if (!bot) throw new Error('createSlackDesk: call start() before routes()');
      const router = express.Router();
      router.post('/slack/events', express.raw({ type: () => true, limit: BODY_LIMIT }), (req, res, next) => {
        const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        try {
          verifySlackSignature({
            signingSecret: options.signingSecret,
            rawBody,
            timestamp: req.get('x-slack-request-timestamp'),
            signature: req.get('x-slack-signature'),
            nowMs: nowMs(),
          });
        } catch (error) {
          const reason = error instanceof SignatureError ? error.message : 'signature check failed';
          refusals.refused('slack signature', req.ip, { reason }, 'slack request rejected');
          res.status(401).json({ error: reason });
          return;
        }
        // Bolt's body parser reads `rawBody` when present (it cannot read the stream twice).
        Object.assign(req, { rawBody: Buffer.from(rawBody) });
        next();
      });
      const { App, ExpressReceiver } = bolt();
      const receiver = new ExpressReceiver({
        signingSecret: options.signingSecret,
        signatureVerification: false,
        router,
        endpoints: '/slack/events',
        logger: boltLogger,
        processBeforeResponse: true,
      });
      const app = new App({ receiver, token: options.botToken, botId: bot.botId, botUserId: bot.userId, clientOptions, logger: boltLogger });
      const ownBot = bot;

      // Ack on record: each listener only translates the payload and records it, and with processBeforeResponse
      // Bolt answers Slack once the listener has finished (see @slack/bolt HTTPResponseAck), so a 200 means the
      // event is in the store. A failure to record answers 500 (the error handler rethrows) and Slack retries.
      app.action(new RegExp(`^(${Object.values(ACTION_IDS).join('|')})$`), async ({ ack, body }) => {
        const parsed = blockActionSchema.safeParse(body);
        const event = parsed.success ? deskEventOfAction(parsed.data, new Date(nowMs())) : undefined;
        if (!parsed.success) logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unreadable slack action');
        if (event && !(await record(event))) logger.info({ eventId: event.eventId }, 'slack interaction already processed; ignoring the replay');
        await ack();
      });

      app.event('message', async ({ body }) => {
        const parsed = messageEventSchema.safeParse(body);
        if (!parsed.success) return;
        const event = deskEventOfMessage(parsed.data, options.queueChannel, ownBot.userId, new Date(nowMs()));
        if (!event) {
          logger.debug({ eventId: parsed.data.event_id, subtype: parsed.data.event.subtype }, 'slack message not for a customer; ignored');
          return;
        }
        if (!(await record(event))) logger.info({ eventId: event.eventId }, 'slack event already processed; ignoring the retry');
      });

      app.error(async (error) => {
        logger.error({ err: error }, 'slack event not recorded');
        throw error;
      });
      return router;
    },
  };
  return desk;
}
