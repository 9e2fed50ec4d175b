/**
 * The log of an end-to-end run carries no customer's number, e-mail address, visitor id or words. The whole
 * service at debug level (more than production's info) with SMS, WhatsApp and web customers: answered messages,
 * a reply Twilio refuses with an error quoting the number, a WhatsApp reply held outside the 24-hour window (logged
 * for staff when no Slack desk is configured); then, with the Slack desk, a web visitor handed to a person.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { startFakeTwilio, type FakeTwilio } from './fakes/fake-twilio.js';
import { startFakeSlack, type FakeSlack } from './fakes/fake-slack.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { postWebMessage } from './support/web-requests.js';
import { slackTestEnv } from './support/slack-requests.js';
import { openVisitorSocket } from './support/visitor-socket.js';

const PUBLIC_URL = 'https://support.example.com';
const SMS_CUSTOMER = '+37120000123';
const UNREACHABLE = '+37120000456';
const WHATSAPP_CUSTOMER = '+34600000077';
const VISITOR = 'visitor_logs_0001';
const EMAIL = 'ana.berzina@example.lv';

describe('personal data in logs, end to end', function () {
  this.timeout(60_000);
  let dataDir: string;
  let twilio: FakeTwilio;
  let slack: FakeSlack;
  let service: RunningService;
  let lines: string[];
  let sid = 0;

  async function start(env: Record<string, string> = {}): Promise<void> {
    const collecting = createCollectingLogger();
    lines = collecting.lines;
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_SMS_FROM: '+14155550100',
      TWILIO_WHATSAPP_FROM: '+14155550101',
      PUBLIC_URL,
      TWILIO_API_URL: twilio.url,
      ...env,
    });
    service = await startService(config, { logger: collecting.logger });
  }

  beforeEach(async () => {
    twilio = await startFakeTwilio();
    slack = await startFakeSlack({ users: { U0ANNA: 'Anna' } });
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-logs-'));
  });
  afterEach(async () => {
    await service.stop();
    await Promise.all([twilio.close(), slack.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  function assertNoCustomerIn(log: string[], secrets: readonly string[]): void {
    assert.ok(log.length > 5, 'the run was logged');
    for (const secret of secrets) assert.ok(!log.some((line) => line.includes(secret)), `the log names ${secret}: ${log.find((line) => line.includes(secret))}`);
  }

  function text(from: string, body: string): Promise<Response> {
    sid += 1;
    const messageSid = `SM${String(sid).padStart(32, '0')}`;
    return twilio.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, { MessageSid: messageSid, From: from, To: '+14155550100', Body: body, NumMedia: '0' });
  }

  async function repliesSettled(channel: 'sms' | 'whatsapp' | 'web', id: string): Promise<void> {
    await eventually(async () => {
      const messages = await customerMessages(service.store, channel, id);
      return messages.some((m) => m.direction === 'out') && messages.filter((m) => m.direction === 'out').every((m) => m.deliveryStatus !== 'queued') ? true : undefined;
    });
  }

  it('names no customer: numbers, e-mail addresses, visitor ids and message texts stay out', async () => {
    await start();
    // An SMS customer asks a question that carries their e-mail address, and is answered.
    assert.equal((await text(SMS_CUSTOMER, `how long does shipping take? my e-mail is ${EMAIL}`)).status, 200);
    await repliesSettled('sms', SMS_CUSTOMER);

    // Twilio refuses the replies to a number, quoting it in its error text: they are dead-lettered and logged.
    twilio.failNext(...Array.from({ length: 3 }, () => ({ status: 400, code: 21211, message: `The 'To' number ${UNREACHABLE} is not a valid phone number.` })));
    assert.equal((await text(UNREACHABLE, 'hello')).status, 200);
    await eventually(async () => ((await customerMessages(service.store, 'sms', UNREACHABLE)).some((m) => m.deliveryStatus === 'failed') ? true : undefined));

    // A WhatsApp reply outside the 24-hour window with no template is held for staff.
    sid += 1;
    await twilio.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, {
      MessageSid: `SM${String(sid).padStart(32, '0')}`,
      From: `whatsapp:${WHATSAPP_CUSTOMER}`,
      To: 'whatsapp:+14155550101',
      Body: 'hola',
      ProfileName: 'Lucía',
    });
    await repliesSettled('whatsapp', WHATSAPP_CUSTOMER);
    const customer = await eventually(() => service.store.findCustomer('whatsapp', WHATSAPP_CUSTOMER));
    const [first] = await service.store.listCustomerMessages(customer.id);
    const conversation = await service.store.updateConversation(first!.conversationId, { lastInboundAt: new Date(Date.now() - 25 * 3600_000) });
    await service.store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Ana', text: 'Tu pedido ha salido.' }], { channel: 'whatsapp', id: WHATSAPP_CUSTOMER });
    await eventually(() => lines.some((line) => line.includes('message held for staff')) || undefined);

    // A web visitor with the widget open asks a question.
    const socket = await openVisitorSocket(service.url, VISITOR);
    assert.equal((await postWebMessage(service.url, { visitorId: VISITOR, clientMessageId: 'message_logs_01', text: `where is my order? write to ${EMAIL}` })).status, 202);
    await repliesSettled('web', VISITOR);
    await socket.close();

    const numbers = [SMS_CUSTOMER, UNREACHABLE, WHATSAPP_CUSTOMER].flatMap((number) => [number, number.slice(1)]);
    assertNoCustomerIn(lines, [...numbers, VISITOR, EMAIL, 'how long does shipping take', 'where is my order', 'Tu pedido']);
  });

  it("names no customer while the Slack desk is paged (its Web API client's debug lines are whole request bodies)", async () => {
    await start(slackTestEnv(slack.apiUrl));
    assert.equal((await text(SMS_CUSTOMER, 'I want to talk to a person')).status, 200);
    assert.equal((await postWebMessage(service.url, { visitorId: VISITOR, clientMessageId: 'message_logs_02', text: `a person please, ${EMAIL}` })).status, 202);
    await eventually(() => (slack.callsTo('chat.postMessage').length >= 2 ? true : undefined));
    await repliesSettled('web', VISITOR);
    assertNoCustomerIn(lines, [SMS_CUSTOMER, SMS_CUSTOMER.slice(1), VISITOR, EMAIL, 'talk to a person', 'a person please']);
  });
});
