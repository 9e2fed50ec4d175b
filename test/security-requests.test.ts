/**
 * What a request can do to the service before any dialogue: which address it is logged under (TRUST_PROXY), what
 * U+0000 and other noncharacters do on PostgreSQL, what a body marked gzip that is not gzip gets, and how many log
 * lines a flood of mis-signed requests writes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { createApp } from '../src/app.js';
import { Metrics } from '../src/metrics.js';
import { openStore } from '../src/store/open-store.js';
import { startService, type RunningService } from '../src/service.js';
import { createRefusalLog } from '../src/refusal-log.js';
import { hasNonCharacters, stripNonCharacters } from '../src/unicode-text.js';
import { startFakeTwilio, type FakeTwilio } from './fakes/fake-twilio.js';
import { startFakeSlack, type FakeSlack } from './fakes/fake-slack.js';
import { startFakeConnector, type FakeConnector } from './fakes/fake-connector.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { useTestDatabase } from './support/postgres-database.js';
import { slackTestEnv } from './support/slack-requests.js';

const PUBLIC_URL = 'https://support.example.com';

describe('TRUST_PROXY', () => {
  it('is off by default, and takes a number of hops or proxy addresses and subnets as express does', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '0' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.1/255.255.255.0' }).trustProxy, 'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.1/255.255.255.0');
  });

  for (const value of ['true', '*', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/2']) {
    it(`stops start-up on TRUST_PROXY=${value}, naming the variable and the fix`, () => {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: value }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith('TRUST_PROXY=') && /set it to the number of proxies/.test(error.message),
      );
    });
  }

  describe('the address requests are taken from', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'switchboard-proxy-'));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    /** The app with one route answering the address express assigns to the request. */
    async function ipSeen(trustProxy: false | number | undefined, forwardedFor: string): Promise<string> {
      const { logger } = createCollectingLogger();
      const store = await openStore({ databaseUrl: undefined, dataDir, logger });
      const probe = express.Router().get('/probe', (req, res) => {
        res.json({ ip: req.ip });
      });
      const app = createApp({ store, logger, metrics: new Metrics(), routers: [probe], ...(trustProxy !== undefined && { trustProxy }) });
      const server = app.listen(0, '127.0.0.1');
      try {
        await new Promise((resolve) => server.once('listening', resolve));
        const { port } = server.address() as { port: number };
        const answer = (await (await fetch(`http://127.0.0.1:${port}/probe`, { headers: { 'x-forwarded-for': forwardedFor } })).json()) as { ip: string };
        return answer.ip;
      } finally {
        server.close();
        await store.close();
      }
    }

    it('ignores X-Forwarded-For unless a proxy is configured: a client cannot choose the address it is logged under', async () => {
      assert.match(await ipSeen(undefined, '203.0.113.9'), /127\.0\.0\.1$/);
      assert.equal(await ipSeen(1, '203.0.113.9'), '203.0.113.9');
    });
  });
});

describe('noncharacters', () => {
  it('strips U+0000, noncharacters and lone surrogates and keeps everything else, emoji included', () => {
    assert.equal(stripNonCharacters('a\u0000b\uFFFEc\uFDD0d\u{10FFFF}e\uD800f😀'), 'abcdef😀');
    assert.equal(hasNonCharacters('plain ā 😀'), false);
    assert.equal(hasNonCharacters('x\u0000'), true);
  });
});

describe('hostile request bodies on every channel (PostgreSQL)', function () {
  this.timeout(60_000);
  // The database outlives the service: its hooks are the outer ones.
  const databaseUrl = useTestDatabase('switchboard_requests');
  describe('one service', hostileBodies(databaseUrl));
});

function hostileBodies(databaseUrl: string) {
  return function () {
    let dataDir: string;
    let service: RunningService;
    let twilio: FakeTwilio;
    let slack: FakeSlack;
    let connector: FakeConnector;
    let lines: string[];

    before(async () => {
      twilio = await startFakeTwilio();
      slack = await startFakeSlack();
      connector = await startFakeConnector();
      dataDir = mkdtempSync(join(tmpdir(), 'switchboard-requests-'));
      const collecting = createCollectingLogger();
      lines = collecting.lines;
      const config = loadConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        BOTFRAMEWORK_ANONYMOUS: 'true',
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_SMS_FROM: '+14155550100',
        PUBLIC_URL,
        TWILIO_API_URL: twilio.url,
        ...slackTestEnv(slack.apiUrl),
      });
      service = await startService(config, { logger: collecting.logger });
    });
    after(async () => {
      await service.stop();
      await Promise.all([twilio.close(), slack.close(), connector.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    });

    function activity(conversationId: string, id: string, text: string) {
      return {
        type: 'message',
        id,
        channelId: 'webchat',
        serviceUrl: connector.serviceUrl,
        from: { id: 'user-1', name: 'Ana\u0000' },
        recipient: { id: 'bot-1' },
        conversation: { id: conversationId },
        text,
      };
    }

    const postJson = (path: string, body: unknown) =>
      fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('takes web, SMS and Bot Framework text with U+0000 and noncharacters, stored without them', async () => {
      const web = await postJson('/web/messages', { visitorId: 'visitor_nul_0001', clientMessageId: 'message_nul_01', text: 'where\u0000 is my \uFFFEorder?' });
      assert.equal(web.status, 202);
      const sms = await twilio.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, {
        MessageSid: `SM${'a'.repeat(32)}`,
        From: '+37120000077',
        To: '+14155550100',
        Body: 'where\u0000 is my order?',
        NumMedia: '0',
      });
      assert.equal(sms.status, 200);
      const bot = await postJson('/api/messages', activity('conv-nul-1', 'a1', 'where\u0000 is my order?'));
      assert.equal(bot.status, 200);

      const stored = async (channel: 'web' | 'sms' | 'botframework', id: string) =>
        (await eventually(async () => (await customerMessages(service.store, channel, id)).find((m) => m.author === 'customer')))?.text;
      assert.equal(await stored('web', 'visitor_nul_0001'), 'where is my order?');
      assert.equal(await stored('sms', '+37120000077'), 'where is my order?');
      assert.equal(await stored('botframework', 'conv-nul-1'), 'where is my order?');
      assert.equal((await service.store.findCustomer('botframework', 'conv-nul-1'))?.displayName, 'Ana');
    });

    it('refuses a Bot Framework id with U+0000 with 400 and stores nothing', async () => {
      const response = await postJson('/api/messages', activity('conv\u0000-nul-2', 'a2', 'hello'));
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { error: string }).error, /conversation\.id: must not contain U\+0000/);
      assert.equal(await service.store.findCustomer('botframework', 'conv\u0000-nul-2').catch(() => undefined), undefined);
    });

    it('answers 400 to a body marked gzip that is not, on every channel, with nothing logged as an error', async () => {
      const notGzip = (path: string, contentType: string) =>
        fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, 'content-encoding': 'gzip' }, body: '{"text":"hello"}' });
      for (const [path, type] of [
        ['/web/messages', 'application/json'],
        ['/api/messages', 'application/json'],
        ['/twilio/messages', 'application/x-www-form-urlencoded'],
        ['/slack/events', 'application/json'],
      ] as const) {
        assert.equal((await notGzip(path, type)).status, 400, path);
      }
      assert.ok(!lines.some((line) => (JSON.parse(line) as { level: number }).level >= 50), 'no error logged');
    });

    it('logs a flood of mis-signed Twilio webhooks from one address once, with the count on the next line', async () => {
      const params = { MessageSid: `SM${'b'.repeat(32)}`, From: '+37120000078', Body: 'hi' };
      const refusals = () => lines.filter((line) => line.includes('rejected Twilio webhook'));
      const before = refusals().length;
      for (let i = 0; i < 30; i += 1) {
        const response = await twilio.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, params, { signature: 'forged' });
        assert.equal(response.status, 403);
      }
      assert.equal(refusals().length - before, 1, 'one line for 30 refusals within the minute');
      assert.equal(await service.store.findCustomer('sms', '+37120000078'), undefined);
    });
  };
}

describe('refusal log', () => {
  it('writes the first refusal per source and kind at once, then one line per interval carrying the count', () => {
    const { logger, lines } = createCollectingLogger();
    let now = 0;
    const refusals = createRefusalLog({ logger, intervalMs: 60_000, now: () => now });
    for (let i = 0; i < 100; i += 1) refusals.refused('signature', '198.51.100.7', { reason: 'invalid' }, 'refused');
    refusals.refused('signature', '198.51.100.8', { reason: 'invalid' }, 'refused');
    assert.equal(lines.length, 2);
    now = 60_000;
    refusals.refused('signature', '198.51.100.7', { reason: 'invalid' }, 'refused');
    const last = JSON.parse(lines.at(-1) ?? '{}') as { ip: string; refusals: number };
    assert.deepEqual([lines.length, last.ip, last.refusals], [3, '198.51.100.7', 100]);
  });

  it('forgets the oldest sources past its limit instead of growing', () => {
    const { logger, lines } = createCollectingLogger();
    const refusals = createRefusalLog({ logger, maxSources: 2, now: () => 0 });
    for (const ip of ['a', 'b', 'c', 'a']) refusals.refused('signature', ip, {}, 'refused');
    // "a" was forgotten to make room for "c", so it is logged again.
    assert.equal(lines.length, 4);
  });
});
