/**
 * Staff translation end to end: a Spanish web customer and an English agent talk through the Slack thread,
 * translated both ways by the fake OpenAI-compatible server; the queue card carries an English summary.
 * Without a model the thread gets the original text and its detected language, unchanged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import type { Message } from '../src/store/store.js';
import { signSlackRequest } from '../adapters/slack/slack-signature.js';
import { ACTION_IDS } from '../adapters/slack/slack-blocks.js';
import { startFakeOpenAi, type FakeChatRequest, type FakeOpenAi } from './fakes/fake-openai.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from './fakes/fake-slack.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
const QUEUE = 'C0QUEUE01';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await sleep(15);
  }
}

describe('staff translation through the Slack thread, end to end', () => {
  let openai: FakeOpenAi;
  let slack: FakeSlack;
  let service: RunningService;
  let dataDir: string;
  let seq = 0;

  async function start(withModel: boolean): Promise<void> {
    openai = await startFakeOpenAi();
    slack = await startFakeSlack({ users: { U0ANNA: 'Anna' } });
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-llm-slack-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_QUEUE_CHANNEL: QUEUE,
      SLACK_API_URL: slack.apiUrl,
      AGENT_LANGUAGE: 'en',
      ...(withModel && { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl, LLM_TIMEOUT_MS: '2000' }),
    });
    service = await startService(config, { logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
  }

  afterEach(async () => {
    await service.stop();
    await openai.close();
    await slack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function postSlack(body: string, contentType: string): Promise<Response> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(`${service.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, body) },
      body,
    });
  }

  function claim(handoffId: number, userId: string, ts: string): Promise<Response> {
    const payload = {
      type: 'block_actions',
      user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase() },
      team: { id: 'T0FAKE' },
      api_app_id: 'A0FAKE',
      token: 'verification-token',
      trigger_id: '1.2.3',
      channel: { id: QUEUE, name: 'support-queue' },
      container: { type: 'message', channel_id: QUEUE, message_ts: ts, is_ephemeral: false },
      message: { ts, type: 'message', text: '' },
      actions: [{ type: 'button', action_id: ACTION_IDS.claim, block_id: 'b1', value: String(handoffId), action_ts: '1700000001.000000' }],
    };
    return postSlack(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  }

  function agentWrites(threadTs: string, user: string, text: string): Promise<Response> {
    seq += 1;
    const body = JSON.stringify({
      token: 'verification-token',
      team_id: 'T0FAKE',
      api_app_id: 'A0FAKE',
      type: 'event_callback',
      event_id: `Ev0TR${seq}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'message', channel: QUEUE, channel_type: 'channel', user, text, ts: `1700000200.${String(seq).padStart(6, '0')}`, thread_ts: threadTs },
      authorizations: [{ team_id: 'T0FAKE', user_id: 'UBOT00001', is_bot: true }],
    });
    return postSlack(body, 'application/json');
  }

  function say(visitorId: string, text: string, locale: string): Promise<Response> {
    seq += 1;
    return fetch(`${service.url}/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visitorId, clientMessageId: `msg_tr_${seq}_00000`, text, locale }),
    });
  }

  async function messagesOf(visitorId: string): Promise<Message[]> {
    const customer = await service.store.findCustomer('web', visitorId);
    return customer ? service.store.listCustomerMessages(customer.id) : [];
  }

  const threadPosts = (ts: string): FakeSlackCall[] => slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts);
  const systemOf = (request: FakeChatRequest) => request.messages[0]?.content ?? '';

  it('a Spanish customer and an English agent converse with translations both ways and an English summary', async () => {
    await start(true);
    openai.respondWith((request) => {
      const system = systemOf(request);
      const user = request.messages.at(-1)?.content ?? '';
      if (system.startsWith('Summarise')) return { text: 'The customer asked for a person in Spanish.' };
      if (/into English \(en\)/.test(system) && user.includes('¿Dónde está mi pedido?')) return { text: 'Where is my order? My e-mail is [EMAIL_1].' };
      if (/into Spanish \(es\)/.test(system) && user.includes('Your order arrives tomorrow')) return { text: 'Su pedido llega mañana.' };
      return { text: 'unexpected request' };
    });
    const visitor = 'visitor_es_0001';
    await say(visitor, 'quiero hablar con una persona', 'es');
    const page = await eventually(() => slack.callsTo('chat.postMessage').find((c) => c.args.channel === QUEUE && c.args.thread_ts === undefined));
    const card = JSON.stringify(page.args.blocks);
    assert.match(card, /Summary \(en\)\*\\nThe customer asked for a person in Spanish\./);
    assert.match(card, /quiero hablar con una persona/, 'the original transcript stays on the card');
    const summaryRequest = openai.requests.find((r) => systemOf(r).startsWith('Summarise'));
    assert.match(systemOf(summaryRequest!), /in English \(en\)/);

    const conversationId = (await eventually(async () => (await messagesOf(visitor))[0])).conversationId;
    const handoff = await eventually(() => service.store.findActiveHandoff(conversationId));
    const postTs = await eventually(async () => (await service.store.getHandoff(handoff.id))?.deskThread ?? undefined);

    // Customer → thread: the original with its language, and the English translation; no e-mail sent to the model.
    await say(visitor, '¿Dónde está mi pedido? Mi correo es ana@example.es', 'es');
    const relay = await eventually(() => threadPosts(postTs).find((c) => String(c.args.text).includes('¿Dónde está mi pedido?')));
    assert.equal(String(relay.args.text), '*web customer* (es): ¿Dónde está mi pedido? Mi correo es ana@example.es\n> _en:_ Where is my order? My e-mail is ana@example.es.');
    assert.ok(openai.requests.every((r) => !r.raw.includes('ana@example.es')));

    // Agent → customer: sent in Spanish, the English original stays in the thread, the translation noted there.
    assert.equal((await claim(handoff.id, 'U0ANNA', postTs)).status, 200);
    await eventually(async () => (await service.store.getConversation(conversationId))?.state === 'agent');
    assert.equal((await agentWrites(postTs, 'U0ANNA', 'Your order arrives tomorrow.')).status, 200);
    const reply = await eventually(async () => (await messagesOf(visitor)).find((m) => m.author === 'agent'));
    assert.equal(reply.text, 'Su pedido llega mañana.');
    assert.equal(reply.agentName, 'Anna');
    await eventually(() => threadPosts(postTs).find((c) => String(c.args.text) === '_Sent to the customer in es:_ Su pedido llega mañana.'));
  });

  it('without a model, relays carry the original text and the detected language, and agent replies go out as written', async () => {
    await start(false);
    const visitor = 'visitor_es_0002';
    await say(visitor, 'quiero hablar con una persona', 'es');
    const page = await eventually(() => slack.callsTo('chat.postMessage').find((c) => c.args.channel === QUEUE && c.args.thread_ts === undefined));
    assert.doesNotMatch(JSON.stringify(page.args.blocks), /Summary/);
    const conversationId = (await eventually(async () => (await messagesOf(visitor))[0])).conversationId;
    const handoff = await eventually(() => service.store.findActiveHandoff(conversationId));
    const postTs = await eventually(async () => (await service.store.getHandoff(handoff.id))?.deskThread ?? undefined);
    await say(visitor, '¿Dónde está mi pedido?', 'es');
    const relay = await eventually(() => threadPosts(postTs).find((c) => String(c.args.text).includes('¿Dónde está mi pedido?')));
    assert.equal(String(relay.args.text), '*web customer* (es): ¿Dónde está mi pedido?');
    await claim(handoff.id, 'U0ANNA', postTs);
    await eventually(async () => (await service.store.getConversation(conversationId))?.state === 'agent');
    await agentWrites(postTs, 'U0ANNA', 'Your order arrives tomorrow.');
    const reply = await eventually(async () => (await messagesOf(visitor)).find((m) => m.author === 'agent'));
    assert.equal(reply.text, 'Your order arrives tomorrow.');
    assert.equal(openai.requests.length, 0);
  });
});
