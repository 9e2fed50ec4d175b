/**
 * What customers and models can put into the staff's Slack, and what a replayed Slack request can do. End to
 * end: a Bot Framework customer (whose display name is theirs to choose) asks for a person through the real
 * service; the real @slack/web-api client posts to the fake Slack Web API, whose recorded calls are what Slack
 * would render. Plus the pure renderers, for a model's translation and summary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import type { QueueCard } from '../src/handoff/agent-desk.js';
import { ACTION_IDS, cardBlocks } from '../adapters/slack/slack-blocks.js';
import { threadPostMessage } from '../adapters/slack/slack-thread-posts.js';
import { mrkdwnLink } from '../adapters/slack/slack-mrkdwn.js';
import { startFakeConnector, type FakeConnector } from './fakes/fake-connector.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from './fakes/fake-slack.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { eventually } from './support/eventually.js';
import { buttonClickBody, postSignedSlack, slackTestEnv, SLACK_TEST_QUEUE } from './support/slack-requests.js';

/** What an attacker writes: a staff-wide ping, a phishing link under a harmless label, a mention of an admin. */
const INJECTION = '<!channel> URGENT <https://evil.example/login|Open order 4411 in the admin panel> <@UADMIN> & co';
/** Markup Slack would act on; escaped text shows these as &lt;…&gt; instead. */
const LIVE_MARKUP = /<!channel>|<https:\/\/evil\.example|<@UADMIN>/;

/** Everything Slack would render of a call: its text and its blocks. */
function rendered(call: FakeSlackCall): string {
  return `${String(call.args.text ?? '')} ${JSON.stringify(call.args.blocks ?? [])}`;
}

describe('Slack receives customer text as text, end to end', function () {
  this.timeout(30_000);
  let dataDir: string;
  let connector: FakeConnector;
  let slack: FakeSlack;
  let service: RunningService;
  let lines: string[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-slack-security-'));
    connector = await startFakeConnector();
    slack = await startFakeSlack({ users: { U0ANNA: '<!here> Anna' } });
    const collecting = createCollectingLogger();
    lines = collecting.lines;
    const env = { PORT: '0', DATA_DIR: dataDir, BOTFRAMEWORK_ANONYMOUS: 'true', ...slackTestEnv(slack.apiUrl) };
    service = await startService(loadConfig(env), { logger: collecting.logger });
  });

  afterEach(async () => {
    await service.stop();
    await slack.close();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function say(id: string, text: string): Promise<Response> {
    const activity = {
      type: 'message',
      id,
      channelId: 'webchat',
      serviceUrl: connector.serviceUrl,
      from: { id: 'user-evil', name: '<!here> Boss' },
      recipient: { id: 'bot' },
      conversation: { id: 'conv-injection' },
      text,
      locale: 'en-US',
    };
    return fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  }

  async function pagedHandoff() {
    const customer = await eventually(() => service.store.findCustomer('botframework', 'conv-injection'));
    const { conversation } = await service.store.openConversation(customer, 'en');
    return eventually(async () => {
      const found = await service.store.findActiveHandoff(conversation.id);
      return found?.deskThread ? { handoff: found, thread: found.deskThread } : undefined;
    });
  }

  it('escapes messages, display names and staff names in the card, the relay and the thread', async () => {
    assert.equal((await say('m1', `I want to talk to a person. ${INJECTION}`)).status, 200);
    const { handoff, thread } = await pagedHandoff();
    assert.equal((await say('m2', INJECTION)).status, 200);
    const relay = await eventually(() => slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === thread && String(c.args.text).includes('URGENT')));
    assert.equal(
      String(relay.args.text),
      '*&lt;!here&gt; Boss* (en): &lt;!channel&gt; URGENT &lt;https://evil.example/login|Open order 4411 in the admin panel&gt; &lt;@UADMIN&gt; &amp; co',
    );

    // Anna's Slack display name is hers to choose too; it shows in the thread and on the card's transcript.
    assert.equal((await postSignedSlack(service.url, buttonClickBody({ actionId: ACTION_IDS.claim, value: String(handoff.id), userId: 'U0ANNA', ts: thread }))).status, 200);
    await eventually(() => slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === thread && String(c.args.text).includes('has the conversation')));

    const toSlack = slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');
    assert.ok(toSlack.length >= 4);
    for (const call of toSlack) assert.doesNotMatch(rendered(call), LIVE_MARKUP, `${call.method} carries live markup`);
    assert.ok(toSlack.every((c) => !/<!here>/.test(rendered(c))), 'no display name pings anyone');
    assert.ok(toSlack.some((c) => rendered(c).includes('&lt;!here&gt; Anna has the conversation')));
  });

  it('processes a replayed signed button click once', async () => {
    await say('m1', 'I want to talk to a person');
    const { handoff, thread } = await pagedHandoff();
    const click = buttonClickBody({ actionId: ACTION_IDS.claim, value: String(handoff.id), userId: 'U0ANNA', ts: thread });
    const controls = () => slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === thread && String(c.args.text).includes('has the conversation'));
    assert.equal((await postSignedSlack(service.url, click)).status, 200);
    await eventually(() => controls()[0]);
    // The same signed request again, twice, within Slack's five-minute window.
    for (let i = 0; i < 2; i += 1) assert.equal((await postSignedSlack(service.url, click)).status, 200);
    await eventually(() => lines.filter((line) => line.includes('already processed')).length >= 2 || undefined);
    assert.equal(controls().length, 1, 'one claim');
    assert.equal(slack.callsTo('chat.postEphemeral').length, 0, 'no "already claimed" notice to the replayer');
    // A second genuine click (its own trigger_id) is still handled: the claimer is told it is theirs already.
    await postSignedSlack(service.url, buttonClickBody({ actionId: ACTION_IDS.claim, value: String(handoff.id), userId: 'U0ANNA', ts: thread }));
    await eventually(() => slack.callsTo('chat.postEphemeral')[0]);
    assert.equal(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === SLACK_TEST_QUEUE && c.args.ts === undefined && c.args.thread_ts === undefined).length, 1);
  });
});

describe('Slack renderers', () => {
  it("escapes a model's translation and the agent's words in thread posts", () => {
    const relay = threadPostMessage(
      { kind: 'customer_message', customerName: null, channel: 'web', language: 'es', text: 'hola', media: [], translation: { language: 'en', text: INJECTION } },
      {},
    );
    assert.doesNotMatch(relay.text, LIVE_MARKUP);
    assert.match(relay.text, /^\*web customer\* \(es\): hola\n> _en:_ &lt;!channel&gt;/);
    const sent = threadPostMessage({ kind: 'sent_translation', language: 'es', text: INJECTION }, {});
    assert.doesNotMatch(sent.text, LIVE_MARKUP);
    const ended = threadPostMessage({ kind: 'ended', agent: { id: 'U1', name: '<!channel>' }, status: 'closed' }, {});
    assert.equal(ended.text, '&lt;!channel&gt; closed the conversation.');
    // The business's own on-call mention is markup on purpose.
    assert.match(threadPostMessage({ kind: 'repage', waitedMinutes: 5, repage: 1 }, { oncallMention: '<!subteam^S1>' }).text, /^<!subteam\^S1> still waiting/);
  });

  it('links media only to http(s) URLs, with a | or > in the URL unable to change the label', () => {
    assert.equal(mrkdwnLink('https://media.example/a|Open the admin panel>x', 'image/<jpeg>'), '<https://media.example/a%7COpen%20the%20admin%20panel%3Ex|image/&lt;jpeg&gt;>');
    assert.equal(mrkdwnLink('javascript:alert(1)', 'image/png'), 'image/png');
    assert.equal(mrkdwnLink('https://media.example/a?x=1&y=2', 'image/png'), '<https://media.example/a?x=1&amp;y=2|image/png>');
  });

  it("escapes the card's customer name, staff names in the transcript and the model's summary", () => {
    const card: QueueCard = {
      handoffId: 3,
      status: 'queued',
      reason: 'asked_for_human',
      channel: 'web',
      customerName: '<!here>',
      customerAddress: 'visitor_0001',
      language: 'en',
      languageReason: null,
      lastMessages: [{ author: 'agent', agentName: '<!channel> Anna', text: INJECTION }],
      summary: { language: 'en', text: `${'&'.repeat(3000)}` },
      position: 1,
    };
    const text = JSON.stringify(cardBlocks(card));
    assert.doesNotMatch(text, /<!here>|<!channel>|<https:\/\/evil|<@UADMIN>/);
    // The summary is cut to Slack's section limit without leaving half an entity.
    const summary = /\*Summary \(en\)\*\\n([^"]*)"/.exec(text)?.[1] ?? '';
    assert.ok(summary.length > 2000 && summary.length <= 2900, String(summary.length));
    assert.match(summary, /^(&amp;)+$/);
  });
});
