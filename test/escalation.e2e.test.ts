/**
 * End to end: the escalation classifier's verdict drives the engine in many languages. Customers write over the
 * web channel's real HTTP API to the real service (SQLite in a temp dir); a message that needs a person reaches
 * the queue at the fake Slack Web API through the real @slack/web-api client, with its reason and who decided;
 * ordinary questions and "are you a bot?" do not.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from './fakes/fake-slack.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { slackTestEnv, SLACK_TEST_QUEUE } from './support/slack-requests.js';
import { postWebMessage } from './support/web-requests.js';

/** Messages written for this test (not taken from the training or test sets), one per language. */
const NEEDS_A_PERSON: readonly { language: string; text: string; reason: string }[] = [
  { language: 'en', text: 'this chat is going nowhere, put me through to one of your staff about order 77120', reason: 'asked_for_human' },
  { language: 'es', text: 'me cobraron dos veces con una tarjeta que no reconozco, alguien usó mis datos', reason: 'sensitive_fraud' },
  { language: 'de', text: 'Ich möchte bitte mit einem echten Menschen sprechen, nicht mit einem Bot', reason: 'asked_for_human' },
  { language: 'fr', text: "mon avocat va vous contacter, je porte plainte contre votre société", reason: 'sensitive_legal' },
  { language: 'pt', text: 'quero falar com um atendente humano agora por favor', reason: 'asked_for_human' },
  { language: 'it', text: 'mio marito è morto il mese scorso, come chiudo il suo abbonamento?', reason: 'sensitive_bereavement' },
  { language: 'pl', text: 'ładowarka od was zaczęła dymić i poparzyła mi rękę', reason: 'sensitive_safety' },
  { language: 'ru', text: 'позовите живого оператора, бот ничего не понимает', reason: 'asked_for_human' },
  { language: 'uk', text: 'з моєї картки зняли гроші без мого відома, мене зламали', reason: 'sensitive_fraud' },
  { language: 'tr', text: 'lütfen beni bir müşteri temsilcisine bağlayın', reason: 'asked_for_human' },
  { language: 'ja', text: 'オペレーターと話したいです。注文番号は48213です', reason: 'asked_for_human' },
  { language: 'zh', text: '我要转人工客服，机器人根本没用', reason: 'asked_for_human' },
  { language: 'lv', text: 'vai varu runāt ar kādu no jūsu darbiniekiem?', reason: 'asked_for_human' },
];

const ORDINARY: readonly { language: string; text: string }[] = [
  { language: 'en', text: 'my travel agent booked it, can I still change the delivery address?' },
  { language: 'de', text: 'Mein Akku ist leer gewesen, deshalb konnte ich nicht bezahlen. Wie lange dauert der Versand?' },
  { language: 'es', text: '¿cuánto tarda el envío a Valencia?' },
];

describe('escalation classifier, end to end through the web channel and the Slack desk', function () {
  this.timeout(60_000);
  let slack: FakeSlack;
  let service: RunningService;
  let dataDir: string;
  const translator = createTranslator({ defaultLanguage: 'en' });

  before(async () => {
    slack = await startFakeSlack();
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-escalation-'));
    service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, ...slackTestEnv(slack.apiUrl) }), { logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    await service.stop();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const queuePosts = (): FakeSlackCall[] => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === SLACK_TEST_QUEUE && c.args.thread_ts === undefined);
  const postFor = (text: string) => queuePosts().find((call) => JSON.stringify(call.args.blocks ?? []).includes(JSON.stringify(text).slice(1, -1)));

  NEEDS_A_PERSON.forEach(({ language, text, reason }, i) => {
    it(`${language}: pages the queue (${reason}), with the classifier's score on the card`, async () => {
      const response = await postWebMessage(service.url, { visitorId: `visitor_e2e_${language}_${i}`, clientMessageId: `msg_e2e_${i}_00000`, text, locale: language });
      assert.equal(response.status, 202);
      const card = JSON.stringify((await eventually(() => postFor(text))).args.blocks);
      assert.match(card, new RegExp(`\\*Reason\\*\\\\n${reason} \\((classifier \\d\\.\\d\\d|rule)\\)`));
    });
  });

  it('keeps ordinary questions that use the cue words with the bot, and answers them', async () => {
    for (const [i, { language, text }] of ORDINARY.entries()) {
      const visitorId = `visitor_ordinary_${i}`;
      await postWebMessage(service.url, { visitorId, clientMessageId: `msg_ordinary_${i}_00000`, text, locale: language });
      const replies = await eventually(async () => {
        const messages = await customerMessages(service.store, 'web', visitorId);
        return messages.filter((m) => m.direction === 'out').length >= 2 ? messages : undefined;
      });
      assert.equal(postFor(text), undefined, `${language}: ${text} was paged`);
      assert.ok(replies.some((m) => m.direction === 'out' && m.author === 'bot'), `${language}: no bot reply`);
    }
  });

  it('answers "are you a bot?" truthfully, without paging anyone', async () => {
    const visitorId = 'visitor_bot_question';
    const before = queuePosts().length;
    await postWebMessage(service.url, { visitorId, clientMessageId: 'msg_botq_000000', text: 'wait, am I talking to a real human or a bot?', locale: 'en' });
    const messages = await eventually(async () => {
      const all = await customerMessages(service.store, 'web', visitorId);
      return all.some((m) => m.text === translator.t('en', 'botQuestion')) ? all : undefined;
    });
    assert.ok(messages.some((m) => m.text === translator.t('en', 'disclosure')));
    assert.equal(queuePosts().length, before);
  });
});

describe('escalation: the model\'s second opinion on an uncertain message, end to end', function () {
  this.timeout(60_000);
  // The shipped classifier scores this between its two thresholds (test/escalation.test.ts pins the band).
  const UNCERTAIN = 'why is this so complicated';
  let slack: FakeSlack;
  let openai: FakeOpenAi;
  let service: RunningService;
  let dataDir: string;

  // The fake model answers at once; a roomy time limit keeps a loaded machine (two test runs on two cores) from
  // timing its answer out and letting the classifier page instead.
  beforeEach(async () => {
    slack = await startFakeSlack();
    openai = await startFakeOpenAi();
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-escalation-llm-'));
    const env = { PORT: '0', DATA_DIR: dataDir, ...slackTestEnv(slack.apiUrl), OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl, OPENAI_MODEL: 'fake-model', LLM_TIMEOUT_MS: '5000' };
    service = await startService(loadConfig(env), { logger: pino({ level: 'silent' }) });
  });
  afterEach(async () => {
    await service.stop();
    await slack.close();
    await openai.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const labelRequests = () => openai.requests.filter((r) => r.raw.includes('escalation_label'));
  const queuePosts = (): FakeSlackCall[] => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === SLACK_TEST_QUEUE && c.args.thread_ts === undefined);

  it('asks the model, and pages with its label and the classifier\'s score on the card', async () => {
    openai.respondWith((request) => (request.raw.includes('escalation_label') ? { text: '{"label": "frustration"}' } : { text: 'A model answer.' }));
    await postWebMessage(service.url, { visitorId: 'visitor_llm_label_1', clientMessageId: 'msg_llm_label_1_000', text: UNCERTAIN, locale: 'en' });
    const card = JSON.stringify((await eventually(() => queuePosts()[0])).args.blocks);
    assert.match(card, /\*Reason\*\\nfrustration \(model, classifier 0\.\d\d\)/);
    const [request] = labelRequests();
    assert.ok(request, 'no label request reached the model');
    assert.ok(request.raw.includes(UNCERTAIN));
  });

  it('keeps the message with the bot when the model says it needs no person', async () => {
    openai.respondWith((request) => (request.raw.includes('escalation_label') ? { text: '{"label": "none"}' } : { text: 'A model answer.' }));
    await postWebMessage(service.url, { visitorId: 'visitor_llm_label_2', clientMessageId: 'msg_llm_label_2_000', text: UNCERTAIN, locale: 'en' });
    await eventually(async () => ((await customerMessages(service.store, 'web', 'visitor_llm_label_2')).some((m) => m.direction === 'out' && m.author === 'bot' && m.text !== '' && !m.text.startsWith('Hi!')) ? true : undefined));
    assert.equal(labelRequests().length, 1);
    assert.equal(queuePosts().length, 0);
  });

  it('lets the classifier\'s verdict stand when the model fails', async () => {
    openai.respondWith((request) => (request.raw.includes('escalation_label') ? { status: 500 } : { text: 'A model answer.' }));
    await postWebMessage(service.url, { visitorId: 'visitor_llm_label_3', clientMessageId: 'msg_llm_label_3_000', text: UNCERTAIN, locale: 'en' });
    const card = JSON.stringify((await eventually(() => queuePosts()[0])).args.blocks);
    assert.match(card, /\*Reason\*\\nfrustration \(classifier 0\.\d\d\)/);
  });

  it('does not ask the model about a message the classifier is sure of', async () => {
    await postWebMessage(service.url, { visitorId: 'visitor_llm_label_4', clientMessageId: 'msg_llm_label_4_000', text: 'agent', locale: 'en' });
    await eventually(() => queuePosts()[0]);
    assert.equal(labelRequests().length, 0);
  });
});
