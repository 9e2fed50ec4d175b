/**
 * A Bot Framework customer asks for a person; a human answers from Slack much later. Everything real: the
 * service over HTTP (botbuilder's CloudAdapter on /api/messages, Slack requests signed with the v0 scheme on
 * /slack/events), the store, engine, handoff queue and outbox; the fake Connector and fake Slack Web API are
 * reached by the real botbuilder and @slack/web-api clients.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import { ACTION_IDS } from '../adapters/slack/slack-blocks.js';
import { startFakeConnector, type FakeConnector } from './fakes/fake-connector.js';
import { startFakeSlack, type FakeSlack } from './fakes/fake-slack.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { eventually } from './support/eventually.js';
import { buttonClickBody, postSignedSlack, slackTestEnv, SLACK_TEST_QUEUE, threadMessageBody } from './support/slack-requests.js';

const BOT = { id: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c', name: 'Switchboard' };
/** Teams-style: `:`, `;` and `@` must survive the URL of the connector call that delivers the agent's reply. */
const CONVERSATION_ID = '19:handoff7e1c4f4e4b6d9@thread.tacv2;messageid=1738871499';
const t = createTranslator({ defaultLanguage: 'en' }).t;

describe('Bot Framework customer handed to a person in Slack, end to end', function () {
  this.timeout(30_000);
  let dataDir: string;
  let connector: FakeConnector;
  let slack: FakeSlack;
  let service: RunningService;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bf-handoff-'));
    connector = await startFakeConnector();
    slack = await startFakeSlack({ users: { U0ANNA: 'Anna' } });
    const env = { PORT: '0', DATA_DIR: dataDir, BOTFRAMEWORK_ANONYMOUS: 'true', ...slackTestEnv(slack.apiUrl) };
    service = await startService(loadConfig(env), { logger: createCollectingLogger().logger });
  });

  afterEach(async () => {
    await service.stop();
    await slack.close();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("delivers the agent's Slack thread reply through the stored reference, labelled as a person in the conversation's language", async () => {
    // The Teams client is set to English, but the customer writes Spanish: the conversation's language is Spanish.
    const activity = {
      type: 'message',
      id: '1738871499001',
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      from: { id: '29:1aBcDeFgHiJkLmNoPqRsTuVwXyZ', name: 'Lucía Pérez' },
      recipient: BOT,
      conversation: { id: CONVERSATION_ID, conversationType: 'personal', tenantId: 'tenant-1' },
      text: 'Hola, quiero hablar con una persona, por favor. Tengo un problema con mi pedido.',
      locale: 'en-US',
    };
    const posted = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    assert.equal(posted.status, 200);
    // The turn opens the conversation in the customer's language; opening it here before the turn ran would open
    // it in English.
    await service.idle();

    const customer = await eventually(() => service.store.findCustomer('botframework', CONVERSATION_ID));
    const { conversation } = await service.store.openConversation(customer, 'en');
    assert.equal(conversation.language, 'es');
    const handoff = await eventually(async () => {
      const found = await service.store.findActiveHandoff(conversation.id);
      return found?.deskThread ? found : undefined;
    });
    const thread = String(handoff.deskThread);
    assert.ok(slack.callsTo('chat.postMessage').some((c) => c.args.channel === SLACK_TEST_QUEUE && c.args.ts === undefined));

    // Anna claims in Slack and answers in the thread: long after the customer's turn ended.
    const claim = buttonClickBody({ actionId: ACTION_IDS.claim, value: String(handoff.id), userId: 'U0ANNA', ts: thread });
    assert.equal((await postSignedSlack(service.url, claim)).status, 200);
    await eventually(async () => (await service.store.getConversation(conversation.id))?.state === 'agent');
    const reply = threadMessageBody({ eventId: 'Ev0BFAGENT1', ts: '1700000200.000100', threadTs: thread, text: 'Hola Lucía, soy Anna. ¿Cuál es el número de pedido?', user: 'U0ANNA' });
    assert.equal((await postSignedSlack(service.url, reply)).status, 200);

    const delivered = await connector.waitFor((r) => r.activity.type === 'message' && (r.activity.text ?? '').includes('soy Anna'));
    assert.equal(delivered.activity.text, `${t('es', 'agentLabel', { name: 'Anna' })}: Hola Lucía, soy Anna. ¿Cuál es el número de pedido?`);
    assert.equal(delivered.conversationId, CONVERSATION_ID);
    assert.equal(delivered.activity.recipient?.id, activity.from.id);
    assert.equal(delivered.activity.from?.id, BOT.id);
  });
});
