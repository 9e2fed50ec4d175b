/**
 * SMS and WhatsApp end to end: the real service (SQLite in a temp dir, the real engine and outbox) with Twilio
 * configured through its environment variables, webhooks signed with HMAC like Twilio signs them, and the
 * product's real twilio client delivering to the fake REST API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import { startFakeTwilio, TWILIO_FAILURES, type FakeTwilio, type FakeTwilioMessage } from './fakes/fake-twilio.js';
import { startFakeSlack, type FakeSlack } from './fakes/fake-slack.js';
import { eventually } from './support/eventually.js';
import { twilioTestEnv } from './support/twilio-env.js';

const PUBLIC_URL = 'https://support.example.com';
const SMS_FROM = '+14155550100';
const WHATSAPP_FROM = '+14155238886';
const TEMPLATE = `HX${'c'.repeat(32)}`;
const t = createTranslator({ defaultLanguage: 'en' }).t;

const messageSid = () => `SM${randomBytes(16).toString('hex')}`;

describe('Twilio SMS and WhatsApp end to end', () => {
  let fake: FakeTwilio;
  let service: RunningService;
  let dataDir: string;

  async function start(extraEnv: Record<string, string> = {}) {
    fake = await startFakeTwilio();
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-twilio-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      // Twilio calls the public https origin; the TLS proxy forwards to our plain-HTTP port.
      ...twilioTestEnv(fake, { publicUrl: PUBLIC_URL, smsFrom: SMS_FROM }),
      TWILIO_WHATSAPP_FROM: WHATSAPP_FROM,
      ...extraEnv,
    });
    service = await startService(config, { logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
  }

  afterEach(async () => {
    await service.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Twilio posting an incoming message: signed over the public URL, delivered to our local port. */
  function inbound(from: string, body: string, extra: Record<string, string> = {}, sid = messageSid()) {
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: fake.accountSid, From: from, To: from.startsWith('whatsapp:') ? `whatsapp:${WHATSAPP_FROM}` : SMS_FROM, Body: body, NumMedia: '0', ...extra };
    return { sid, params, post: (signature?: string | null) => fake.postWebhook(`${service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, params, { signature }) };
  }

  function status(sid: string, messageStatus: string, extra: Record<string, string> = {}) {
    const params = { MessageSid: sid, MessageStatus: messageStatus, AccountSid: fake.accountSid, ...extra };
    return fake.postWebhook(`${service.url}/twilio/status`, `${PUBLIC_URL}/twilio/status`, params);
  }

  /** Bot/system messages the store holds for this customer, once the outbox has delivered all of them. */
  async function delivered(channel: 'sms' | 'whatsapp', phone: string): Promise<FakeTwilioMessage[]> {
    // The webhook answered once the message was recorded; its turn queues the replies.
    await service.idle();
    const customer = await eventually(() => service.store.findCustomer(channel, phone));
    const outbound = (await service.store.listCustomerMessages(customer.id)).filter((m) => m.direction === 'out');
    const to = channel === 'whatsapp' ? `whatsapp:${phone}` : phone;
    await eventually(() => fake.messages.filter((m) => m.to === to).length >= outbound.length || undefined);
    return fake.messages.filter((m) => m.to === to);
  }

  describe('with SMS and WhatsApp configured', () => {
    beforeEach(() => start());

    it('acks a signed SMS with empty TwiML and delivers the answer through the real client', async () => {
      const res = await inbound('+447700900001', 'How long does shipping take?').post();
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
      assert.match(await res.text(), /<Response\/>$/);
      const sent = await delivered('sms', '+447700900001');
      assert.equal(sent.length, 2);
      assert.equal(sent[0]?.body, t('en', 'disclosure'));
      assert.match(sent[1]?.body ?? '', /business days/);
      assert.ok(sent.every((m) => m.from === SMS_FROM));
      // Each message's status callback names the outbox row that sent it.
      for (const message of sent) {
        const callback = new URL(message.statusCallback ?? '');
        assert.equal(`${callback.origin}${callback.pathname}`, `${PUBLIC_URL}/twilio/status`);
        // The provider's id is recorded in its own write right after Twilio's response, which the fake has sent.
        const row = await eventually(async () => {
          const item = await service.store.getOutboxItem(Number(callback.searchParams.get('outbox')));
          return item?.providerId ? item : undefined;
        });
        assert.equal(row.providerId, message.sid);
      }
    });

    it('processes a redelivered MessageSid once: acknowledged, one answer', async () => {
      const message = inbound('+447700900002', 'How long does shipping take?');
      assert.equal((await message.post()).status, 200);
      assert.equal((await message.post()).status, 200);
      // The stored replies are the turn's: read them once it ran (delivered waits for it).
      const sent = await delivered('sms', '+447700900002');
      const customer = await service.store.findCustomer('sms', '+447700900002');
      const stored = await service.store.listCustomerMessages(customer!.id);
      assert.equal(stored.filter((m) => m.direction === 'in').length, 1);
      assert.equal(sent.length, stored.filter((m) => m.direction === 'out').length);
      assert.equal(sent.length, 2);
    });

    it('rejects a wrong signature with 403 and a missing one with 400, storing nothing', async () => {
      const forged = inbound('+447700900003', 'hello');
      const wrong = await forged.post('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
      assert.equal(wrong.status, 403);
      const missing = await forged.post(null);
      assert.equal(missing.status, 400);
      // Signed over another URL (our local one instead of PUBLIC_URL): also forged.
      const local = await fake.postWebhook(`${service.url}/twilio/messages`, `${service.url}/twilio/messages`, forged.params);
      assert.equal(local.status, 403);
      assert.equal(await service.store.findInbound('sms', forged.sid), undefined);
      assert.equal(await service.store.findCustomer('sms', '+447700900003'), undefined);
      assert.equal(fake.attempts, 0);
    });

    it('accepts a signed webhook whose ids have an unexpected shape (Twilio would not retry a 400); refuses one without From', async () => {
      const odd = inbound('+447700900015', 'How long does shipping take?', {}, 'SM-a-future-sid-format');
      assert.equal((await odd.post()).status, 200);
      assert.ok(await service.store.findInbound('sms', 'SM-a-future-sid-format'));
      const res = await inbound('', 'hi').post();
      assert.equal(res.status, 400);
      assert.equal(await res.text(), 'From is required');
    });

    it('answers a signed SMS whose MessageSid is not SM/MM + 32 hex (a provider-side id change loses nothing)', async () => {
      const phone = '+447700900016';
      assert.equal((await inbound(phone, 'How long does shipping take?', {}, 'XY123').post()).status, 200);
      const sent = await eventually(() => {
        const to = fake.messages.filter((m) => m.to === phone);
        return to.length >= 2 && to;
      });
      assert.equal(sent[0]?.body, t('en', 'disclosure'));
      assert.match(sent[1]?.body ?? '', /business days/);
      assert.equal((await service.store.findInbound('sms', 'XY123'))?.processedAt instanceof Date, true);
    });

    it('STOP: one localized confirmation, then silence; START: answers again', async () => {
      const phone = '+447700900004';
      await inbound(phone, 'What are your opening hours?').post();
      const before = (await delivered('sms', phone)).length;
      await inbound(phone, 'STOP').post();
      await inbound(phone, 'Where is my order?').post();
      await inbound(phone, 'stop').post();
      // The opt-out is the STOP turn's, and the webhook acknowledges before it runs.
      const afterStop = await delivered('sms', phone);
      const customer = await service.store.findCustomer('sms', phone);
      assert.equal(customer?.optedOut, true);
      assert.deepEqual(afterStop.slice(before).map((m) => m.body), [t('en', 'optOutConfirmation')]);
      const stored = await service.store.listCustomerMessages(customer!.id);
      assert.equal(stored.filter((m) => m.direction === 'in').length, 4, 'opted-out messages are still recorded');

      await inbound(phone, 'START').post();
      await inbound(phone, 'What are your opening hours?').post();
      const afterStart = await delivered('sms', phone);
      assert.equal(afterStart[before + 1]?.body, t('en', 'optInConfirmation'));
      assert.ok(afterStart.length > before + 2, 'answers again after START');
      assert.equal((await service.store.findCustomer('sms', phone))?.optedOut, false);
    });

    it('STOP right after a system notice was queued: the notice is not delivered after it, the confirmation is', async () => {
      const phone = '+447700900014';
      await inbound(phone, 'What are your opening hours?').post();
      const before = (await delivered('sms', phone)).length;
      const customer = await service.store.findCustomer('sms', phone);
      const { conversation } = await service.store.openConversation(customer!, 'en');
      // A handoff notice whose delivery is under way (and then fails once) when the customer's STOP arrives.
      const held = fake.holdNext();
      fake.failNext(TWILIO_FAILURES.tooManyRequests);
      const [notice] = await service.store.enqueueOutbound(conversation, [{ author: 'system', text: 'A person will reply soon.' }], { channel: 'sms', id: phone });
      await held.reached;
      assert.equal((await inbound(phone, 'STOP').post()).status, 200);
      held.release();

      const confirmation = await eventually(() => fake.messages.slice(before).find((m) => m.body === t('en', 'optOutConfirmation')));
      assert.equal(confirmation.to, phone);
      assert.deepEqual(fake.messages.filter((m) => m.to === phone).slice(before).map((m) => m.body), [t('en', 'optOutConfirmation')]);
      const settled = await service.store.getOutboxItem(notice!.id);
      assert.equal(settled?.status, 'dead');
      assert.match(settled?.lastError ?? '', /opted out/);
    });

    it('retries 429 twice from the outbox, then delivers each message exactly once', async () => {
      fake.failNext(TWILIO_FAILURES.tooManyRequests, TWILIO_FAILURES.tooManyRequests);
      await inbound('+447700900005', 'How long does shipping take?').post();
      const sent = await delivered('sms', '+447700900005');
      assert.equal(sent.length, 2);
      assert.equal(new Set(sent.map((m) => m.body)).size, 2);
      assert.equal(fake.attempts, 4, 'two refused attempts, then one per message');
    });

    it('delivers a long SMS answer whose second part failed once: every part exactly once, in order', async () => {
      const phone = '+447700900008';
      await inbound(phone, 'hi').post();
      const before = (await delivered('sms', phone)).length;
      const customer = await service.store.findCustomer('sms', phone);
      const [first] = await service.store.listCustomerMessages(customer!.id);
      const conversation = (await service.store.getConversation(first!.conversationId))!;
      const text = Array.from({ length: 70 }, (_, i) => `Step ${i}: pack the item in its original box and attach the return label.`).join(' ');
      fake.failNext('pass', TWILIO_FAILURES.serverError);
      const [item] = await service.store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Ana', text }], { channel: 'sms', id: phone });
      const sent = await eventually(async () => ((await service.store.getOutboxItem(item!.id))?.status === 'sent' ? fake.messages.filter((m) => m.to === phone) : undefined));
      const parts = sent.slice(before);
      assert.ok(parts.length >= 3);
      // An agent's message carries the person label, in the conversation's language.
      assert.equal(parts.map((m) => m.body).join(' '), `${t(conversation.language, 'agentLabel', { name: 'Ana' })}: ${text}`);
      assert.equal((await service.store.getOutboxItem(item!.id))?.attempts, 2, 'it did fail once');
    });

    it('marks the customer opted out when Twilio answers 21610, and sends nothing more', async () => {
      fake.failNext(TWILIO_FAILURES.unsubscribed);
      await inbound('+447700900006', 'hello').post();
      const customer = await eventually(async () => {
        const c = await service.store.findCustomer('sms', '+447700900006');
        return c?.optedOut ? c : undefined;
      });
      assert.equal(customer.optedOut, true);
      await inbound('+447700900006', 'How long does shipping take?').post();
      // Checked after the message's turn: right after the ack, nothing could have been sent yet anyway.
      await service.idle();
      const stored = await service.store.listCustomerMessages(customer.id);
      assert.equal(stored.filter((m) => m.direction === 'in').length, 2);
      assert.ok(fake.messages.every((m) => m.to !== '+447700900006'));
    });

    it('updates the delivery state from signed status callbacks', async () => {
      await inbound('+447700900007', 'hi').post();
      const [first] = await delivered('sms', '+447700900007');
      assert.ok(first);
      const res = await status(first.sid, 'delivered', { To: '+447700900007' });
      assert.equal(res.status, 204);
      const customer = await service.store.findCustomer('sms', '+447700900007');
      const message = (await service.store.listCustomerMessages(customer!.id)).find((m) => m.externalId === first.sid);
      assert.equal(message?.deliveryStatus, 'delivered');
      // Callbacks arrive out of order: a late "sent" does not undo "delivered"; "read" still moves it on.
      for (const [late, expected] of [['sent', 'delivered'], ['queued', 'delivered'], ['read', 'read'], ['failed', 'read']] as const) {
        assert.equal((await status(first.sid, late, { To: '+447700900007' })).status, 204);
        const messages = await service.store.listCustomerMessages(customer!.id);
        assert.equal(messages.find((m) => m.externalId === first.sid)?.deliveryStatus, expected, `after a late "${late}"`);
      }
      const forged = await fake.postWebhook(`${service.url}/twilio/status`, `${PUBLIC_URL}/twilio/status`, { MessageSid: first.sid, MessageStatus: 'failed' }, { signature: 'x' });
      assert.equal(forged.status, 403);
    });

    it('answers an SMS from a +371 number saying "sveiki" in Latvian', async () => {
      await inbound('+37120000001', 'sveiki').post();
      const sent = await delivered('sms', '+37120000001');
      assert.equal(sent[0]?.body, t('lv', 'disclosure'));
    });

    it('WhatsApp: maps whatsapp:+E164, records media and says politely it reads text', async () => {
      const res = await inbound('whatsapp:+34600000001', '', {
        NumMedia: '1',
        MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${'AC'}x/Messages/MMx/Media/ME1`,
        MediaContentType0: 'image/jpeg',
        ProfileName: 'Lucía',
      }).post();
      assert.equal(res.status, 200);
      const sent = await delivered('whatsapp', '+34600000001');
      assert.ok(sent.every((m) => m.from === `whatsapp:${WHATSAPP_FROM}`));
      const customer = await service.store.findCustomer('whatsapp', '+34600000001');
      assert.equal(customer?.displayName, 'Lucía');
      const [stored] = await service.store.listCustomerMessages(customer!.id);
      assert.deepEqual(stored?.media, [{ url: 'https://api.twilio.com/2010-04-01/Accounts/ACx/Messages/MMx/Media/ME1', contentType: 'image/jpeg' }]);
      const language = (await service.store.getConversation(stored!.conversationId))!.language;
      assert.ok(sent.some((m) => m.body === t(language, 'mediaNotSupported')));
    });

    it('WhatsApp outside the 24-hour window without a template: the message is held, nothing attempted', async () => {
      await inbound('whatsapp:+34600000002', 'hola').post();
      const before = (await delivered('whatsapp', '+34600000002')).length;
      const customer = await service.store.findCustomer('whatsapp', '+34600000002');
      const [first] = await service.store.listCustomerMessages(customer!.id);
      const conversation = await service.store.updateConversation(first!.conversationId, { lastInboundAt: new Date(Date.now() - 25 * 3600_000) });
      const attempts = fake.attempts;
      const [item] = await service.store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Ana', text: 'Tu pedido ha salido.' }], { channel: 'whatsapp', id: '+34600000002' });
      const dead = await eventually(async () => {
        const row = await service.store.getOutboxItem(item!.id);
        return row?.status === 'dead' ? row : undefined;
      });
      assert.match(dead.lastError ?? '', /window is closed/);
      assert.equal(fake.attempts, attempts);
      assert.equal(fake.messages.filter((m) => m.to === 'whatsapp:+34600000002').length, before);
    });
  });

  describe('with WhatsApp and the Slack desk configured, no template', () => {
    let slack: FakeSlack;
    beforeEach(async () => {
      slack = await startFakeSlack();
      await start({
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: 'test-signing-secret',
        SLACK_QUEUE_CHANNEL: 'C0QUEUE01',
        SLACK_API_URL: slack.apiUrl,
      });
    });
    afterEach(() => slack.close());

    it('flags a held reply for staff: the conversation is paged to the Slack queue', async () => {
      await inbound('whatsapp:+34600000012', 'hola').post();
      await delivered('whatsapp', '+34600000012');
      const customer = await service.store.findCustomer('whatsapp', '+34600000012');
      const [first] = await service.store.listCustomerMessages(customer!.id);
      const conversation = await service.store.updateConversation(first!.conversationId, { lastInboundAt: new Date(Date.now() - 25 * 3600_000) });
      assert.equal(slack.callsTo('chat.postMessage').length, 0, 'nothing paged before');
      await service.store.enqueueOutbound(conversation, [{ author: 'bot', text: 'Tu pedido ha salido.' }], { channel: 'whatsapp', id: '+34600000012' });

      const [post] = await eventually(() => (slack.callsTo('chat.postMessage').length > 0 ? slack.callsTo('chat.postMessage') : undefined));
      assert.equal(post!.args.channel, 'C0QUEUE01');
      assert.match(JSON.stringify(post!.args), /WhatsApp 24-hour window is closed/);
      assert.equal((await service.store.getConversation(conversation.id))?.state, 'queued');
    });

    it('shows the agent the link of a photo the customer sends while waiting for a person', async () => {
      const phone = '+34600000013';
      await inbound(`whatsapp:${phone}`, 'I want to talk to a person').post();
      const page = await eventually(() => slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0QUEUE01' && c.args.thread_ts === undefined));
      const mediaUrl = `https://api.twilio.com/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'1'.repeat(32)}/Media/ME${'2'.repeat(32)}`;
      await inbound(`whatsapp:${phone}`, '', { NumMedia: '1', MediaUrl0: mediaUrl, MediaContentType0: 'image/jpeg' }).post();
      const relay = await eventually(() => slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts !== undefined && String(c.args.text).includes(mediaUrl)));
      assert.match(String(relay.args.text), /\|image\/jpeg>/);
      assert.ok(page);
    });
  });

  describe('with a WhatsApp template configured', () => {
    beforeEach(() => start({ TWILIO_WHATSAPP_TEMPLATE_SID: TEMPLATE }));

    it('sends a reply outside the 24-hour window as the template', async () => {
      await inbound('whatsapp:+34600000003', 'hola').post();
      const before = (await delivered('whatsapp', '+34600000003')).length;
      assert.ok(fake.messages.every((m) => m.contentSid === undefined), 'inside the window: free-form');
      const customer = await service.store.findCustomer('whatsapp', '+34600000003');
      const [first] = await service.store.listCustomerMessages(customer!.id);
      const conversation = await service.store.updateConversation(first!.conversationId, { lastInboundAt: new Date(Date.now() - 25 * 3600_000) });
      await service.store.enqueueOutbound(conversation, [{ author: 'agent', agentName: 'Ana', text: 'Tu pedido ha salido.' }], { channel: 'whatsapp', id: '+34600000003' });
      const sent = await eventually(() => (fake.messages.length > before ? fake.messages : undefined));
      assert.deepEqual([sent[before]?.contentSid, sent[before]?.contentVariables, sent[before]?.body], [TEMPLATE, JSON.stringify({ 1: `${t('es', 'agentLabel', { name: 'Ana' })}: Tu pedido ha salido.` }), undefined]);
    });

    it('re-sends as the template once when a status callback reports 63016, however often it is redelivered', async () => {
      await inbound('whatsapp:+34600000004', 'hola').post();
      const sent = await delivered('whatsapp', '+34600000004');
      const last = sent[sent.length - 1]!;
      for (let i = 0; i < 2; i += 1) {
        const res = await status(last.sid, 'failed', { ErrorCode: '63016', To: 'whatsapp:+34600000004' });
        assert.equal(res.status, 204);
      }
      const retried = await eventually(() => fake.messages.find((m) => m.contentSid === TEMPLATE));
      assert.equal(retried.contentVariables, JSON.stringify({ 1: last.body }));
      await delivered('whatsapp', '+34600000004');
      assert.equal(fake.messages.filter((m) => m.contentSid === TEMPLATE).length, 1);
    });
  });

});

describe('Twilio configuration', () => {
  it('refuses to start with a partial Twilio configuration, naming what is missing', () => {
    assert.throws(
      () => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_SMS_FROM: SMS_FROM }),
      (e: unknown) => e instanceof ConfigError && /missing TWILIO_AUTH_TOKEN, PUBLIC_URL:/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x'.repeat(32), PUBLIC_URL }),
      (e: unknown) => e instanceof ConfigError && /TWILIO_SMS_FROM or TWILIO_WHATSAPP_FROM/.test(e.message),
    );
    assert.throws(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC123' }), (e: unknown) => e instanceof ConfigError && e.message.startsWith('TWILIO_ACCOUNT_SID='));
    assert.equal(loadConfig({}).twilio, undefined);
  });
});
