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
import { ACTION_IDS } from '../adapters/slack/slack-blocks.js';
import { startFakeOpenAi, type FakeChatRequest, type FakeOpenAi } from './fakes/fake-openai.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from './fakes/fake-slack.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { buttonClickBody, postSignedSlack, slackTestEnv, SLACK_TEST_QUEUE as QUEUE, threadMessageBody } from './support/slack-requests.js';
import { postWebMessage } from './support/web-requests.js';

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
      ...slackTestEnv(slack.apiUrl),
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

  function claim(handoffId: number, userId: string, ts: string): Promise<Response> {
    return postSignedSlack(service.url, buttonClickBody({ actionId: ACTION_IDS.claim, value: String(handoffId), userId, ts }));
  }

  function agentWrites(threadTs: string, user: string, text: string): Promise<Response> {
    seq += 1;
    return postSignedSlack(service.url, threadMessageBody({ eventId: `Ev0TR${seq}`, ts: `1700000200.${String(seq).padStart(6, '0')}`, threadTs, text, user }));
  }

  function say(visitorId: string, text: string, locale: string): Promise<Response> {
    seq += 1;
    return postWebMessage(service.url, { visitorId, clientMessageId: `msg_tr_${seq}_00000`, text, locale });
  }

  const messagesOf = (visitorId: string): Promise<Message[]> => customerMessages(service.store, 'web', visitorId);

  const threadPosts = (ts: string): FakeSlackCall[] => slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts);
  const systemOf = (request: FakeChatRequest) => request.messages[0]?.content ?? '';

  /** Once `visitorId` has asked for a person: the queue card, the conversation, its handoff and the card's thread. */
  async function queuedThread(visitorId: string) {
    const page = await eventually(() => slack.callsTo('chat.postMessage').find((c) => c.args.channel === QUEUE && c.args.thread_ts === undefined));
    const conversationId = (await eventually(async () => (await messagesOf(visitorId))[0])).conversationId;
    const handoff = await eventually(() => service.store.findActiveHandoff(conversationId));
    const postTs = await eventually(async () => (await service.store.getHandoff(handoff.id))?.deskThread ?? undefined);
    return { page, conversationId, handoff, postTs };
  }

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
    const { page, conversationId, handoff, postTs } = await queuedThread(visitor);
    const card = JSON.stringify(page.args.blocks);
    assert.match(card, /Summary \(en\)\*\\nThe customer asked for a person in Spanish\./);
    assert.match(card, /quiero hablar con una persona/, 'the original transcript stays on the card');
    const summaryRequest = openai.requests.find((r) => systemOf(r).startsWith('Summarise'));
    assert.match(systemOf(summaryRequest!), /in English \(en\)/);

    // Customer → thread: the original with its language, and the English translation; no e-mail sent to the model.
    await say(visitor, '¿Dónde está mi pedido? Mi correo es ana@example.es', 'es');
    const relay = await eventually(() => threadPosts(postTs).find((c) => String(c.args.text).includes('¿Dónde está mi pedido?')));
    assert.equal(String(relay.args.text), '*web customer* (es): ¿Dónde está mi pedido? Mi correo es ana@example.es\n> _en:_ Where is my order? My e-mail is ana@example.es.');
    assert.ok(openai.requests.every((r) => !r.raw.includes('ana@example.es')));

    // Agent → customer: sent in Spanish, the English original stays in the thread, the translation noted there.
    assert.equal((await claim(handoff.id, 'U0ANNA', postTs)).status, 200);
    await eventually(async () => (await service.store.getConversation(conversationId))?.state === 'agent');
    // The summary is stored with the handoff, so the claimed card (drawn by any replica) still shows it.
    assert.deepEqual((await service.store.getHandoff(handoff.id))?.summary, { language: 'en', text: 'The customer asked for a person in Spanish.' });
    const redrawn = await eventually(() => slack.callsTo('chat.update').find((c) => c.args.ts === postTs));
    assert.match(JSON.stringify(redrawn.args.blocks), /Summary \(en\)\*\\nThe customer asked for a person in Spanish\./);
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
    const { page, conversationId, handoff, postTs } = await queuedThread(visitor);
    assert.doesNotMatch(JSON.stringify(page.args.blocks), /Summary/);
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
