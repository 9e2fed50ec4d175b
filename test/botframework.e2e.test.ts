/**
 * The Bot Framework channel end to end: activities POSTed to /api/messages of the real service (real store,
 * engine and outbox, botbuilder's CloudAdapter), replies arriving at a fake Connector reached through each
 * activity's serviceUrl.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import { startFakeConnector, type FakeConnector, type RecordedActivity } from './fakes/fake-connector.js';

const BOT = { id: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c', name: 'Switchboard' };
const t = createTranslator({ defaultLanguage: 'en' }).t;

interface LogLine {
  msg?: string;
  err?: unknown;
  [key: string]: unknown;
}

/** A pino logger whose lines the test can read: failures must be visible in the logs, not only retried. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

let sequence = 0;

/** A Teams-style conversation: ids with `:`, `;` and `@` must survive the round trip through URLs. */
function teamsConversationId(): string {
  sequence += 1;
  return `19:e2e${sequence}a5f1e1c4f4e4b6d9@thread.tacv2;messageid=17388714${sequence}`;
}

function messageActivity(connector: FakeConnector, conversationId: string, id: string, text: string, locale = 'es-ES') {
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: '29:1aBcDeFgHiJkLmNoPqRsTuVwXyZ', name: 'Lucía Pérez' },
    recipient: BOT,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
    text,
    locale,
  };
}

async function post(service: RunningService, activity: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${service.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
}

const isMessageTo =
  (conversationId: string, pattern: RegExp) =>
  (recorded: RecordedActivity): boolean =>
    recorded.conversationId === conversationId && recorded.activity.type === 'message' && pattern.test(recorded.activity.text ?? '');

describe('Bot Framework channel end to end', function () {
  this.timeout(30_000);
  let dataDir: string;
  let connector: FakeConnector;
  let service: RunningService;
  let logs: LogLine[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bf-'));
    connector = await startFakeConnector();
    const { logger, lines } = capturingLogger();
    logs = lines;
    service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, BOTFRAMEWORK_ANONYMOUS: 'true' }), { logger });
  });

  afterEach(async () => {
    await service.stop();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('warns at start that the channel runs anonymously', () => {
    assert.ok(logs.some((line) => line.level === 40 && /ANONYMOUSLY/.test(line.msg ?? '')));
  });

  it('answers a message at the connector, in the customer language, with typing first and the AI disclosure', async () => {
    const conversationId = teamsConversationId();
    const response = await post(service, messageActivity(connector, conversationId, '1001', '¿cuánto tarda el envío?'));
    assert.equal(response.status, 200);

    const answer = await connector.waitFor(isMessageTo(conversationId, /envío estándar/));
    const sent = connector.activities.filter((a) => a.conversationId === conversationId);
    assert.equal(sent[0]?.activity.type, 'typing');
    assert.deepEqual(connector.messagesTo(conversationId), [t('es', 'disclosure'), answer.activity.text]);
    assert.match(answer.activity.text ?? '', /2 a 4 días laborables/);
    // Sent as the bot, to the customer, in their conversation (decoded from the URL exactly as it was).
    assert.equal(answer.conversationId, conversationId);
    assert.equal(answer.activity.conversation?.id, conversationId);
    assert.equal(answer.activity.from?.id, BOT.id);
    assert.equal(answer.activity.recipient?.id, '29:1aBcDeFgHiJkLmNoPqRsTuVwXyZ');
    assert.equal(answer.authorization, undefined, 'anonymous mode sends no token');
  });

  it('processes a redelivered activity once', async () => {
    const conversationId = teamsConversationId();
    const first = messageActivity(connector, conversationId, '2001', '¿cuánto tarda el envío?');
    assert.equal((await post(service, first)).status, 200);
    assert.equal((await post(service, first)).status, 200);
    // Replies of one conversation go out in order, so once this later answer is in, an answer to the duplicate
    // would already be here too.
    await post(service, messageActivity(connector, conversationId, '2002', 'gracias'));
    await connector.waitFor(isMessageTo(conversationId, new RegExp(escapeRegExp(t('es', 'thanks')))));
    const shippingAnswers = connector.messagesTo(conversationId).filter((text) => /envío estándar/.test(text));
    assert.equal(shippingAnswers.length, 1);
  });

  it('greets a customer who joins with the disclosure once, before their first message', async () => {
    const conversationId = teamsConversationId();
    const join = {
      type: 'conversationUpdate',
      id: 'join-1',
      channelId: 'webchat',
      serviceUrl: connector.serviceUrl,
      from: { id: 'dl_user_1' },
      recipient: BOT,
      conversation: { id: conversationId },
      membersAdded: [BOT, { id: 'dl_user_1', name: 'Jonas' }],
      locale: 'de-DE',
    };
    assert.equal((await post(service, join)).status, 200);
    assert.equal((await post(service, { ...join, id: 'join-2' })).status, 200);
    await post(service, { ...messageActivity(connector, conversationId, 'm-1', 'Wie lange dauert der Versand?', 'de-DE'), channelId: 'webchat' });
    await connector.waitFor(isMessageTo(conversationId, /Standardversand/));
    assert.deepEqual(connector.messagesTo(conversationId).slice(0, 1), [t('de', 'disclosure')]);
    assert.equal(connector.messagesTo(conversationId).filter((text) => text === t('de', 'disclosure')).length, 1);
  });

  it('retries a reply the connector refused with 500, logs the failure, then delivers it', async () => {
    const conversationId = teamsConversationId();
    connector.failNext(2, 500);
    await post(service, messageActivity(connector, conversationId, '3001', '¿cuánto tarda el envío?'));
    await connector.waitFor(isMessageTo(conversationId, /envío estándar/));
    assert.equal(connector.failed.length, 2);
    // Each reply exactly once, in order, despite the failed attempts.
    const delivered = connector.messagesTo(conversationId);
    assert.equal(delivered.length, 2);
    assert.equal(delivered[0], t('es', 'disclosure'));
    // One connector request per outbox attempt: the SDK's pipeline does not retry behind the outbox's back.
    const retried = logs.filter((line) => line.msg === 'delivery failed; will retry');
    assert.equal(retried.length, 2, 'each failed request is an outbox attempt, logged and scheduled');
    assert.match(String(retried[0]?.err), new RegExp(`answered 500 for conversation ${escapeRegExp(conversationId)}`));
  });

  it('dead-letters a reply the connector refuses for good (403), with the error logged', async () => {
    const conversationId = teamsConversationId();
    connector.failNext(1, 403);
    await post(service, messageActivity(connector, conversationId, '4001', '¿cuánto tarda el envío?'));
    // The next message of the conversation is delivered only after the first reached a final state.
    await connector.waitFor(isMessageTo(conversationId, /envío estándar/));
    const dead = logs.find((line) => line.msg === 'delivery failed; dead-lettered');
    assert.ok(dead, 'the dead letter is logged');
    assert.match(String(dead.err), /answered 403/);
    assert.deepEqual(connector.messagesTo(conversationId).length, 1, 'the refused disclosure is not delivered twice');
  });

  it('delivers an agent reply queued long after the turn, through the stored reference, across a restart', async () => {
    const conversationId = teamsConversationId();
    await post(service, messageActivity(connector, conversationId, '5001', '¿cuánto tarda el envío?'));
    await connector.waitFor(isMessageTo(conversationId, /envío estándar/));

    await service.stop();
    service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, BOTFRAMEWORK_ANONYMOUS: 'true', LOG_LEVEL: 'silent' }));
    const customer = await service.store.findCustomer('botframework', conversationId);
    assert.ok(customer);
    const { conversation } = await service.store.openConversation(customer, 'en');
    // What the handoff desk does when a person answers in the staff thread.
    await service.store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Anna', text: 'Hola, soy Anna. Lo reviso ahora.' }], {
      channel: 'botframework',
      id: customer.addressId,
      ref: customer.addressRef,
    });
    const agentReply = await connector.waitFor(isMessageTo(conversationId, /Anna/));
    assert.equal(agentReply.activity.text, `${t('es', 'agentLabel', { name: 'Anna' })}: Hola, soy Anna. Lo reviso ahora.`);
    assert.equal(agentReply.conversationId, conversationId);
  });

  it('answers a malformed activity with 400 and the reason', async () => {
    const response = await post(service, { type: 'message', id: 'x', text: 'hi' });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /channelId|serviceUrl|from|conversation/);
    const notJson = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.equal(notJson.status, 400);
  });
});

describe('Bot Framework channel with an app id', function () {
  this.timeout(30_000);

  it('refuses unauthenticated activities with 401 and stores nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bf-auth-'));
    const connector = await startFakeConnector();
    const { logger, lines } = capturingLogger();
    const service = await startService(
      loadConfig({ PORT: '0', DATA_DIR: dataDir, MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'test-secret' }),
      { logger },
    );
    try {
      const conversationId = teamsConversationId();
      const activity = messageActivity(connector, conversationId, '6001', '¿cuánto tarda el envío?');
      assert.equal((await post(service, activity)).status, 401);
      assert.equal((await post(service, activity, { authorization: 'Bearer not-a-jwt' })).status, 401);
      assert.equal(await service.store.findCustomer('botframework', conversationId), undefined);
      assert.equal(connector.activities.length, 0);
      assert.ok(lines.some((line) => line.msg === 'Bot Framework request not authenticated'));
      assert.ok(!lines.some((line) => /ANONYMOUSLY/.test(line.msg ?? '')));
    } finally {
      await service.stop();
      await connector.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
