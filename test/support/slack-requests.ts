/**
 * Signed requests from "Slack" to the service under test: the test workspace's settings, and the block_actions
 * and event_callback bodies Slack posts to /slack/events, signed with the v0 HMAC scheme like Slack signs them.
 * See https://api.slack.com/authentication/verifying-requests-from-slack.
 */
import { randomBytes } from 'node:crypto';
import { signSlackRequest } from '../../adapters/slack/slack-signature.js';

/** The signing secret the tests configure (SLACK_SIGNING_SECRET) and sign with. */
export const SLACK_TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
/** The queue channel the tests configure (SLACK_QUEUE_CHANNEL). */
export const SLACK_TEST_QUEUE = 'C0QUEUE01';

/** The environment variables that switch the Slack desk on, against a fake Slack Web API at `apiUrl`. */
export function slackTestEnv(apiUrl: string): Record<string, string> {
  return { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SLACK_TEST_SIGNING_SECRET, SLACK_QUEUE_CHANNEL: SLACK_TEST_QUEUE, SLACK_API_URL: apiUrl };
}

/** A body as Slack posts it, with its content type. */
export interface SlackRequestBody {
  body: string;
  contentType: string;
}

/** How to sign and send a request; by default signed now with the test secret. */
export interface SignedSlackPostOptions {
  /** The time to sign at, in epoch milliseconds (a test's fake clock); defaults to `Date.now()`. */
  nowMs?: number;
  signingSecret?: string;
  /** Extra headers, e.g. Slack's `x-slack-retry-num` on a redelivery. */
  headers?: Record<string, string>;
}

/** Posts `request` to `${serviceUrl}/slack/events` with Slack's timestamp and signature headers. */
export function postSignedSlack(serviceUrl: string, request: SlackRequestBody, options: SignedSlackPostOptions = {}): Promise<Response> {
  const timestamp = String(Math.floor((options.nowMs ?? Date.now()) / 1000));
  const secret = options.signingSecret ?? SLACK_TEST_SIGNING_SECRET;
  return fetch(`${serviceUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': request.contentType,
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(secret, timestamp, request.body),
      ...options.headers,
    },
    body: request.body,
  });
}

/** Which button a user clicks, on which message of the queue channel. */
export interface ButtonClick {
  actionId: string;
  value: string;
  userId: string;
  /** The message carrying the button. */
  ts: string;
  /** Set when that message is a reply in a thread. */
  threadTs?: string;
}

/**
 * The form-encoded `payload` of a block_actions interaction: `click.userId` pressed a button in the queue channel.
 * Each click gets its own trigger_id, as from Slack; a replay is the same body sent again.
 */
export function buttonClickBody(click: ButtonClick): SlackRequestBody {
  const { actionId, value, userId, ts, threadTs } = click;
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase() },
    team: { id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    token: 'verification-token',
    trigger_id: `1700000001.${randomBytes(6).toString('hex')}`,
    channel: { id: SLACK_TEST_QUEUE, name: 'support-queue' },
    container: { type: 'message', channel_id: SLACK_TEST_QUEUE, message_ts: ts, ...(threadTs && { thread_ts: threadTs }), is_ephemeral: false },
    message: { ts, ...(threadTs && { thread_ts: threadTs }), type: 'message', text: '' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value, action_ts: '1700000001.000000' }],
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/** A message someone writes in a thread of the queue channel. */
export interface ThreadMessage {
  eventId: string;
  /** The new message's own ts. */
  ts: string;
  threadTs: string;
  text: string;
  user: string;
  /** Set for a message a bot posted. */
  botId?: string;
  /** When it happened, in epoch milliseconds; defaults to `Date.now()`. */
  atMs?: number;
}

/** The JSON event_callback Slack's Events API posts for a message in a thread of the queue channel. */
export function threadMessageBody(message: ThreadMessage): SlackRequestBody {
  const { eventId, ts, threadTs, text, user, botId } = message;
  const body = JSON.stringify({
    token: 'verification-token',
    team_id: 'T0FAKE',
    api_app_id: 'A0FAKE',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor((message.atMs ?? Date.now()) / 1000),
    event: { type: 'message', channel: SLACK_TEST_QUEUE, channel_type: 'channel', user, ...(botId && { bot_id: botId }), text, ts, thread_ts: threadTs },
    authorizations: [{ team_id: 'T0FAKE', user_id: 'UBOT00001', is_bot: true }],
  });
  return { body, contentType: 'application/json' };
}
