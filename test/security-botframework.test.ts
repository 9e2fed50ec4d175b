/**
 * Where the Bot Framework channel lets an activity send the server: anonymous mode refuses production and
 * calls only this machine; with authentication a serviceUrl is called only when the token's serviceurl claim
 * vouches for it (checked by the real botbuilder against a local token authority); and a conversation's stored
 * reference keeps its serviceUrl.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { loadConfig } from '../src/config.js';
import { ChannelError, ConfigError } from '../src/errors.js';
import type { Inbound, Outbound, Receive } from '../src/model.js';
import { startService, type RunningService } from '../src/service.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { createBotFrameworkAdapter, type BotFrameworkAdapterOptions } from '../adapters/botframework/botframework-adapter.js';
import { isLoopbackServiceUrl } from '../adapters/botframework/botframework-service-url.js';
import { startFakeConnector, type FakeConnector } from './fakes/fake-connector.js';
import { startFakeBotAuthority, type FakeBotAuthority } from './fakes/fake-bot-authority.js';
import { createCollectingLogger } from './support/collecting-logger.js';

const APP_ID = '00000000-0000-0000-0000-0000000000a1';
/** Not this machine: a call there would be the server working for whoever named it. */
const FOREIGN = 'https://evil.example/';

function activity(serviceUrl: string, conversationId: string, id: string) {
  return {
    type: 'message',
    id,
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user', name: 'Lucía' },
    recipient: { id: '28:bot', name: 'Switchboard' },
    conversation: { id: conversationId, conversationType: 'personal' },
    text: '¿cuánto tarda el envío?',
  };
}

function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
}

describe('Bot Framework anonymous mode', () => {
  it('refuses to start with NODE_ENV=production, naming the variable and the fix', () => {
    assert.throws(
      () => loadConfig({ BOTFRAMEWORK_ANONYMOUS: 'true', NODE_ENV: 'production' }),
      (error: unknown) =>
        error instanceof ConfigError && error.message.startsWith('BOTFRAMEWORK_ANONYMOUS=true is refused with NODE_ENV=production') && /set MICROSOFT_APP_ID/.test(error.message),
    );
    assert.deepEqual(loadConfig({ BOTFRAMEWORK_ANONYMOUS: 'true', NODE_ENV: 'development' }).botFramework, { anonymous: true });
  });

  it('knows this machine by name and address', () => {
    for (const url of ['http://localhost:3978/', 'http://127.0.0.1:9/', 'http://127.8.9.10/', 'http://[::1]:3978/', 'http://emulator.localhost/']) assert.ok(isLoopbackServiceUrl(url), url);
    for (const url of [FOREIGN, 'http://10.0.0.1/', 'http://127.0.0.1.evil.example/', 'http://localhost.evil.example/', 'not a url']) assert.ok(!isLoopbackServiceUrl(url), url);
  });

  describe('through the service', function () {
    this.timeout(30_000);
    let dataDir: string;
    let connector: FakeConnector;
    let service: RunningService;

    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bf-anon-'));
      connector = await startFakeConnector();
      service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, BOTFRAMEWORK_ANONYMOUS: 'true' }), { logger: createCollectingLogger().logger });
    });
    afterEach(async () => {
      await service.stop();
      await connector.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses an activity whose serviceUrl is not on this machine with 403, calls nothing and stores nothing', async () => {
      const response = await post(service.url, activity(FOREIGN, 'conv-foreign', '1'));
      assert.equal(response.status, 403);
      assert.match(((await response.json()) as { error: string }).error, /serviceUrl must be on this machine/);
      assert.equal(await service.store.findCustomer('botframework', 'conv-foreign'), undefined);
      // The Emulator on this machine still works.
      assert.equal((await post(service.url, activity(connector.serviceUrl, 'conv-local', '2'))).status, 200);
      await connector.waitFor((r) => r.conversationId === 'conv-local' && r.activity.type === 'message');
    });
  });

  it('never sends a stored reply to a serviceUrl off this machine', async () => {
    const { logger } = createCollectingLogger();
    const adapter = createBotFrameworkAdapter({ credentials: undefined, logger, welcome: async () => undefined, personLabel: (name) => name ?? 'person' });
    const reference = { channelId: 'msteams', serviceUrl: FOREIGN, bot: { id: '28:bot' }, user: { id: '29:user' }, conversation: { id: 'conv-old' } };
    const outbound: Outbound = { to: { channel: 'botframework', id: 'conv-old', ref: reference }, text: 'hola', author: 'bot', messageId: 7, conversationId: 1 };
    await assert.rejects(adapter.send(outbound), (error: unknown) => error instanceof ChannelError && error.providerCode === 'service_url_refused' && !error.retryable);
  });
});

/** The channel's router on its own express app, receiving into `received` and storing the customer like the engine. */
async function startChannel(options: Partial<BotFrameworkAdapterOptions>, store: Store, received: Inbound[]): Promise<{ url: string; server: Server }> {
  const { logger } = createCollectingLogger();
  const adapter = createBotFrameworkAdapter({ credentials: undefined, logger, welcome: async () => undefined, personLabel: (name) => name ?? 'person', ...options });
  const receive: Receive = async (inbound) => {
    received.push(inbound);
    const customer = await store.upsertCustomer(inbound.from, inbound.hints?.name);
    return { duplicate: false, conversationId: customer.id, messageId: received.length };
  };
  const app = express();
  app.use(adapter.routes(receive));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('Bot Framework serviceUrl checks', function () {
  this.timeout(30_000);
  let dataDir: string;
  let store: Store;
  let connector: FakeConnector;
  let received: Inbound[];
  let server: Server | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bf-url-'));
    store = await openStore({ databaseUrl: undefined, dataDir, logger: createCollectingLogger().logger });
    await store.migrate();
    connector = await startFakeConnector();
    received = [];
  });
  afterEach(async () => {
    server?.close();
    await connector.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('with authentication', () => {
    let authority: FakeBotAuthority;
    let url: string;
    beforeEach(async () => {
      authority = await startFakeBotAuthority();
      const credentials = { appId: APP_ID, appPassword: 'test-secret', appType: 'MultiTenant' as const };
      ({ url, server } = await startChannel({ credentials, authEndpoints: authority.endpoints }, store, received));
    });
    afterEach(() => authority.close());

    it('takes an activity whose serviceUrl the channel token vouches for', async () => {
      const response = await post(url, activity(connector.serviceUrl, 'conv-a', '1'), authority.channelToken(APP_ID, connector.serviceUrl));
      assert.equal(response.status, 200);
      assert.equal(received.length, 1);
    });

    it('refuses a channel token vouching for another serviceUrl (botbuilder: 401)', async () => {
      const response = await post(url, activity(FOREIGN, 'conv-b', '1'), authority.channelToken(APP_ID, connector.serviceUrl));
      assert.equal(response.status, 401);
      assert.equal(received.length, 0);
    });

    it('refuses a token without a serviceurl claim (the Emulator kind) for a serviceUrl off this machine: 403, nothing received', async () => {
      const foreign = await post(url, activity(FOREIGN, 'conv-c', '1'), authority.emulatorToken(APP_ID));
      assert.equal(foreign.status, 403);
      assert.match(((await foreign.json()) as { error: string }).error, /without a serviceurl claim/);
      assert.equal(received.length, 0);
      assert.equal(await store.findCustomer('botframework', 'conv-c'), undefined);
      // The Emulator on this machine, with the app's own token, still works.
      assert.equal((await post(url, activity(connector.serviceUrl, 'conv-c', '2'), authority.emulatorToken(APP_ID))).status, 200);
      assert.equal(received.length, 1);
    });
  });

  it("refuses an activity that would move a conversation's stored reference to another serviceUrl", async () => {
    const other = await startFakeConnector();
    try {
      const storedReference = async (conversationId: string) => (await store.findCustomer('botframework', conversationId))?.addressRef;
      const channel = await startChannel({ storedReference }, store, received);
      server = channel.server;
      const { url } = channel;
      assert.equal((await post(url, activity(connector.serviceUrl, 'conv-victim', '1'))).status, 200);
      const hijack = await post(url, activity(other.serviceUrl, 'conv-victim', '2'));
      assert.equal(hijack.status, 403);
      assert.match(((await hijack.json()) as { error: string }).error, /differs from the one this conversation uses/);
      const stored = (await store.findCustomer('botframework', 'conv-victim'))?.addressRef as { serviceUrl: string };
      assert.equal(stored.serviceUrl, connector.serviceUrl);
      assert.equal(received.length, 1);
      assert.equal(other.activities.length, 0, 'no typing indicator to the other serviceUrl either');
    } finally {
      await other.close();
    }
  });
});
