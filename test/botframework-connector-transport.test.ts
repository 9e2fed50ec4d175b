/**
 * botbuilder's real ConnectorClient over our transport, against the fake Connector: one HTTP request per send,
 * and failures surface at once as ChannelErrors for the outbox to retry, not after the SDK's own backoff.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { ConversationReference } from 'botbuilder';
import type { ChannelError } from '../src/errors.js';
import { createBotConnector, type BotConnector } from '../adapters/botframework/botframework-cloud-adapter.js';
import { toChannelError } from '../adapters/botframework/botframework-outbound.js';
import { startFakeConnector, type FakeConnector } from './fakes/fake-connector.js';
import { listenOnLoopback } from './support/listen-on-loopback.js';

const CONVERSATION_ID = '19:abc@thread.tacv2;messageid=42';

function referenceTo(serviceUrl: string): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl,
    bot: { id: '28:bot', name: 'Switchboard' },
    user: { id: '29:user', name: 'Lucía' },
    conversation: { id: CONVERSATION_ID, isGroup: false, conversationType: 'personal', name: '' },
  };
}

async function sendText(connector: BotConnector, serviceUrl: string, text: string): Promise<string | undefined> {
  let id: string | undefined;
  await connector.continueConversation(referenceTo(serviceUrl), async (context) => {
    id = (await context.sendActivity({ type: 'message', text }))?.id;
  });
  return id;
}

/** The failure as the adapter's `send` reports it to the outbox. */
async function failureOf(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (error) {
    return toChannelError(error, CONVERSATION_ID);
  }
  assert.fail('expected the send to fail');
}

describe('Bot Framework connector transport', function () {
  this.timeout(10_000);
  let fake: FakeConnector;
  const connector = createBotConnector(undefined);

  beforeEach(async () => {
    fake = await startFakeConnector();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('delivers through the SDK and returns the connector id, the conversation id intact in the URL', async () => {
    const id = await sendText(connector, fake.serviceUrl, 'hola');
    assert.equal(id, 'fake-activity-1');
    assert.equal(fake.activities[0]?.conversationId, CONVERSATION_ID);
    assert.equal(fake.activities[0]?.activity.text, 'hola');
  });

  it('makes one request for a 503 and reports it as retryable, naming the conversation', async () => {
    fake.failNext(3, 503);
    const error = await failureOf(sendText(connector, fake.serviceUrl, 'hola'));
    assert.equal(fake.failed.length, 1, 'the SDK pipeline must not retry on its own');
    assert.equal(error.retryable, true);
    assert.equal(error.providerCode, 'http_503');
    assert.match(error.message, /answered 503 for conversation 19:abc@thread\.tacv2;messageid=42/);
  });

  it('reports a permanent refusal (403) as not retryable, through the SDK error', async () => {
    fake.failNext(1, 403);
    const error = await failureOf(sendText(connector, fake.serviceUrl, 'hola'));
    assert.equal(fake.failed.length, 1);
    assert.equal(error.retryable, false);
    assert.equal(error.providerCode, 'http_403');
  });

  it('reports an unreachable connector as retryable with the system error code', async () => {
    const server = createServer();
    const port = await listenOnLoopback(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failureOf(sendText(connector, `http://127.0.0.1:${port}/`, 'hola'));
    assert.equal(error.retryable, true);
    assert.equal(error.providerCode, 'ECONNREFUSED');
  });
});
