/**
 * End to end: a web customer, the real engine and store (SQLite in a temp dir), the Slack desk through
 * signed requests to /slack/events, and the real @slack/web-api client talking to a fake Slack Web API.
 * The handoff clock is a sinon fake clock, so re-pages fire without waiting minutes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { loadConfig } from '../src/config.js';
import { createTranslator } from '../src/i18n.js';
import { startService, type RunningService } from '../src/service.js';
import type { Clock } from '../src/handoff/clock.js';
import type { Message } from '../src/store/store.js';
import { ACTION_IDS } from '../adapters/slack/slack-blocks.js';
import { startFakeTwilio, type FakeTwilio } from './fakes/fake-twilio.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from './fakes/fake-slack.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { customerMessages as transcriptOf } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { buttonClickBody, postSignedSlack, slackTestEnv, SLACK_TEST_QUEUE as QUEUE, threadMessageBody } from './support/slack-requests.js';
import { openVisitorSocket } from './support/visitor-socket.js';
import { postWebMessage } from './support/web-requests.js';

const ONCALL = '<!subteam^S0ONCALL>';

type FakeClock = sinon.SinonFakeTimers;

/** A sinon fake clock installed on a private object, not on the process: only the handoff queue uses it. */
function privateFakeClock(now: number): FakeClock {
  const box = { setTimeout, clearTimeout, setInterval, clearInterval, Date, Promise };
  return sinon.useFakeTimers({ now, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], global: box } as Parameters<typeof sinon.useFakeTimers>[0] & { global: object });
}

function handoffClock(fake: FakeClock): Clock {
  return {
    now: () => new Date(fake.now),
    schedule(callback, delayMs) {
      const id = fake.setTimeout(callback, delayMs);
      return { cancel: () => fake.clearTimeout(id) };
    },
  };
}

interface Harness {
  service: RunningService;
  slack: FakeSlack;
  clock: FakeClock;
  lines: string[];
  dataDir: string;
  stop(): Promise<void>;
}

async function startHarness(env: Record<string, string> = {}, startAt = Date.now()): Promise<Harness> {
  const slack = await startFakeSlack({ users: { U0ANNA: 'Anna', U0BRUNO: 'Bruno' } });
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-slack-'));
  const clock = privateFakeClock(startAt);
  const { logger, lines } = createCollectingLogger();
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    ...slackTestEnv(slack.apiUrl),
    SLACK_ONCALL_MENTION: ONCALL,
    HANDOFF_REPAGE_MINUTES: '5',
    ...env,
  });
  const service = await startService(config, { logger, clock: handoffClock(clock) });
  return {
    service,
    slack,
    clock,
    lines,
    dataDir,
    async stop() {
      await service.stop();
      await slack.close();
      clock.uninstall();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function clickButton(h: Harness, actionId: string, handoffId: number, userId: string, at: { ts: string; threadTs?: string }) {
  return postSignedSlack(h.service.url, buttonClickBody({ actionId, value: String(handoffId), userId, ...at }), { nowMs: h.clock.now });
}

function threadMessage(h: Harness, eventId: string, threadTs: string, text: string, from: { user: string; botId?: string }, headers: Record<string, string> = {}) {
  const ts = `1700000100.${eventId.replace(/\D/g, '').padStart(6, '0')}`;
  return postSignedSlack(h.service.url, threadMessageBody({ eventId, ts, threadTs, text, ...from, atMs: h.clock.now }), { nowMs: h.clock.now, headers });
}

function sayAsCustomer(h: Harness, visitorId: string, id: string, text: string) {
  return postWebMessage(h.service.url, { visitorId, clientMessageId: `msg_${id}_00000`, text, locale: 'lv' });
}

function customerMessages(h: Harness, visitorId: string): Promise<Message[]> {
  return transcriptOf(h.service.store, 'web', visitorId);
}

function queuePosts(slack: FakeSlack): FakeSlackCall[] {
  return slack.callsTo('chat.postMessage').filter((c) => c.args.channel === QUEUE && c.args.thread_ts === undefined);
}

/** Once `visitorId` has been paged: the conversation, its live handoff and the queue post's ts. */
async function queuedThread(h: Harness, visitorId: string) {
  const conversationId = (await eventually(async () => (await customerMessages(h, visitorId))[0])).conversationId;
  const handoff = await eventually(() => h.service.store.findActiveHandoff(conversationId));
  const postTs = await eventually(async () => (await h.service.store.getHandoff(handoff.id))?.deskThread ?? undefined);
  return { conversationId, handoff, postTs };
}

function blocksText(call: FakeSlackCall | undefined): string {
  return JSON.stringify(call?.args.blocks ?? []);
}

describe('Slack human queue, end to end', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('pages, claims, relays an agent reply once, refuses strangers, and hands back to the bot', async () => {
    const visitor = 'visitor_lv_0001';
    assert.equal((await sayAsCustomer(h, visitor, 'm1', 'gribu runāt ar cilvēku')).status, 202);

    const post = await eventually(() => queuePosts(h.slack)[0]);
    const card = blocksText(post);
    assert.match(card, /asked for a person/);
    // The language and why: staff see what the bot based it on.
    assert.match(card, /\*Language\*\\nlv \(messages\(1\), locale lv\)/);
    assert.match(card, /\*Channel\*\\nweb/);
    assert.match(card, /gribu runāt ar cilvēku/);
    assert.match(card, new RegExp(ACTION_IDS.claim));
    assert.match(card, new RegExp(ACTION_IDS.close));
    assert.equal(post.token, 'xoxb-test-token');

    const queued = await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.author === 'system'));
    assert.match(queued.text, /1\. rindā/);
    const handoff = await eventually(async () => h.service.store.findActiveHandoff(queued.conversationId));
    const postTs = String(await eventually(async () => (await h.service.store.getHandoff(handoff.id))?.deskThread ?? undefined));
    assert.equal((await h.service.store.getConversation(queued.conversationId))?.state, 'queued');

    // A customer message while queued goes into the thread.
    await sayAsCustomer(h, visitor, 'm2', 'vai kāds tur ir?');
    await eventually(() => h.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === postTs && String(c.args.text).includes('vai kāds tur ir?')));

    // Claim.
    assert.equal((await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0ANNA', { ts: postTs })).status, 200);
    const update = await eventually(() => h.slack.callsTo('chat.update').find((c) => c.args.ts === postTs));
    assert.match(blocksText(update), /Claimed by <@U0ANNA>/);
    assert.doesNotMatch(blocksText(update), new RegExp(ACTION_IDS.claim));
    const joined = await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.author === 'system' && m.text.includes('Anna')));
    assert.match(joined.text, /Sarunai pievienojās Anna/);
    const controls = await eventually(() => h.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === postTs && blocksText(c).includes(ACTION_IDS.hand_back)));
    assert.match(blocksText(controls), new RegExp(ACTION_IDS.close));
    assert.equal((await h.service.store.getConversation(queued.conversationId))?.state, 'agent');

    // A second agent is told who has it.
    await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0BRUNO', { ts: postTs });
    const told = await eventually(() => h.slack.callsTo('chat.postEphemeral').find((c) => c.args.user === 'U0BRUNO'));
    assert.match(String(told.args.text), /<@U0ANNA> already has/);

    // Our own bot's message in the thread is not relayed.
    assert.equal((await threadMessage(h, 'Ev0BOT1', postTs, 'bot echo', { user: h.slack.botUserId, botId: h.slack.botId })).status, 200);

    // The agent's thread reply reaches the customer's open widget, marked as from a person; Slack's retry does not double it.
    const widget = await openVisitorSocket(h.service.url, visitor);
    assert.equal((await threadMessage(h, 'Ev0AGENT1', postTs, 'Sveiki! Esmu Anna, kā varu palīdzēt?', { user: 'U0ANNA' })).status, 200);
    const pushed = await eventually(() => widget.pushes.find((p) => p.message.author === 'agent'));
    assert.equal(pushed.message.agentName, 'Anna');
    assert.equal(pushed.message.text, 'Sveiki! Esmu Anna, kā varu palīdzēt?');
    await widget.close();
    const reply = await eventually(async () =>
      (await customerMessages(h, visitor)).find((m) => m.author === 'agent' && m.deliveryStatus === 'sent'),
    );
    assert.equal(reply.agentName, 'Anna');
    assert.equal((await threadMessage(h, 'Ev0AGENT1', postTs, 'Sveiki! Esmu Anna, kā varu palīdzēt?', { user: 'U0ANNA' }, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status, 200);
    await eventually(() => h.lines.some((l) => l.includes('already processed')) || undefined);
    const texts = (await customerMessages(h, visitor)).map((m) => m.text);
    assert.equal(texts.filter((t) => t.startsWith('Sveiki! Esmu Anna')).length, 1);
    assert.ok(!texts.includes('bot echo'), 'own bot message relayed');

    // Bruno writing in Anna's thread is refused privately.
    await threadMessage(h, 'Ev0BRUNO1', postTs, 'let me help', { user: 'U0BRUNO' });
    await eventually(() => h.slack.callsTo('chat.postEphemeral').find((c) => c.args.user === 'U0BRUNO' && String(c.args.text).includes('Not sent')));

    // Hand back: customer told, and the bot answers again.
    await clickButton(h, ACTION_IDS.hand_back, handoff.id, 'U0ANNA', { ts: '1700000000.999999', threadTs: postTs });
    await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.author === 'system' && m.text.includes('automātiskajam asistentam')));
    assert.equal((await h.service.store.getConversation(queued.conversationId))?.state, 'bot');
    const before = (await customerMessages(h, visitor)).length;
    await sayAsCustomer(h, visitor, 'm3', 'kur atrast rēķinu?');
    const answer = await eventually(async () => (await customerMessages(h, visitor)).slice(before).find((m) => m.author === 'bot'));
    assert.match(answer.text, /rēķin/i);
  });

  it('acks a signed thread reply once it is recorded, delivers it from the desk inbox, and sends a retried delivery once', async () => {
    const visitor = 'visitor_desk_inbox_01';
    await sayAsCustomer(h, visitor, 'd1', 'gribu runāt ar cilvēku');
    const { conversationId, handoff, postTs } = await queuedThread(h, visitor);
    assert.equal((await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0ANNA', { ts: postTs })).status, 200);
    await eventually(async () => (await h.service.store.getConversation(conversationId))?.state === 'agent' || undefined);
    const widget = await openVisitorSocket(h.service.url, visitor);

    const text = 'Jūsu pasūtījums ir ceļā.';
    assert.equal((await threadMessage(h, 'Ev0INBOX1', postTs, text, { user: 'U0ANNA' })).status, 200);
    // Ack on record: by the time Slack has its 200 the event is in the store (its id is taken).
    assert.equal(await h.service.store.recordWebhookEvent('slack', 'Ev0INBOX1', new Date()), false);
    const pushed = await eventually(() => widget.pushes.find((p) => p.message.text === text));
    assert.deepEqual([pushed.message.author, pushed.message.agentName], ['agent', 'Anna']);

    // Slack's retry of the same event (it thought our 200 came too late) is acknowledged and not processed again.
    const retried = await threadMessage(h, 'Ev0INBOX1', postTs, text, { user: 'U0ANNA' }, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    assert.equal(retried.status, 200);
    await h.service.idle();
    await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.text === text && m.deliveryStatus === 'sent'));
    assert.equal((await customerMessages(h, visitor)).filter((m) => m.text === text).length, 1, 'the reply is queued once');
    assert.equal(widget.pushes.filter((p) => p.message.text === text).length, 1, 'the customer receives it once');

    // An event the store could not record is answered 500, so Slack delivers it again, and then it goes out.
    const failing = sinon.stub(h.service.store, 'recordDeskEvent').onFirstCall().rejects(new Error('database went away'));
    failing.callThrough();
    const later = 'Vēl kaut kas?';
    assert.equal((await threadMessage(h, 'Ev0INBOX2', postTs, later, { user: 'U0ANNA' })).status, 500);
    assert.equal((await threadMessage(h, 'Ev0INBOX2', postTs, later, { user: 'U0ANNA' }, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' })).status, 200);
    failing.restore();
    await eventually(() => widget.pushes.find((p) => p.message.text === later));
    await widget.close();
  });

  it('sends a staff reply once when the process fails between queuing it and finishing its event', async () => {
    const visitor = 'visitor_desk_crash_01';
    await sayAsCustomer(h, visitor, 'c1', 'gribu runāt ar cilvēku');
    const { conversationId, handoff, postTs } = await queuedThread(h, visitor);
    assert.equal((await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0ANNA', { ts: postTs })).status, 200);
    await eventually(async () => (await h.service.store.getConversation(conversationId))?.state === 'agent' || undefined);
    await h.service.idle();

    // The fault: the reply is queued, then marking its event done fails, as if the process died right there.
    const finishing = sinon.stub(h.service.store, 'finishDeskEvent').onFirstCall().rejects(new Error('process died'));
    finishing.callThrough();
    const text = 'Anna šeit, skatos jūsu pasūtījumu.';
    assert.equal((await threadMessage(h, 'Ev0CRASH1', postTs, text, { user: 'U0ANNA' })).status, 200);
    await eventually(() => finishing.called || undefined);
    await h.service.idle();
    finishing.restore();

    // The event was finished with the reply's queuing, so no worker takes it again, now or after its backoff.
    const due = await h.service.store.claimDeskEvents(new Date(Date.now() + 60 * 60_000), 1000, 10);
    assert.deepEqual(due.map((event) => event.eventId), []);
    await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.text === text && m.deliveryStatus === 'sent'));
    assert.equal((await customerMessages(h, visitor)).filter((m) => m.text === text).length, 1, 'the reply is queued once');
  });

  it('tells the customer once that a person joined when a claim fails after claiming, and hands back the same way', async () => {
    const visitor = 'visitor_claim_crash_01';
    await sayAsCustomer(h, visitor, 'c1', 'gribu runāt ar cilvēku');
    const { conversationId, handoff, postTs } = await queuedThread(h, visitor);
    await h.service.idle();

    // The fault: the claim is stored, then queuing the customer's notice fails, as if the process died right there.
    const queuing = sinon.stub(h.service.store, 'enqueueOutbound').onFirstCall().rejects(new Error('process died'));
    queuing.callThrough();
    assert.equal((await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0ANNA', { ts: postTs })).status, 200);
    // Its event runs again after a backoff; the claim is already this agent's, so the run finishes the work.
    const joined = await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.author === 'system' && /pievienojās Anna/.test(m.text)));
    queuing.restore();
    assert.equal((await h.service.store.getConversation(conversationId))?.state, 'agent');
    await h.service.idle();
    assert.equal((await customerMessages(h, visitor)).filter((m) => m.text === joined.text).length, 1, 'the notice is queued once');

    // Hand back: ended, then the notice fails; the repeat finishes it, and the bot has the conversation again.
    const handing = sinon.stub(h.service.store, 'enqueueOutbound').onFirstCall().rejects(new Error('process died'));
    handing.callThrough();
    assert.equal((await clickButton(h, ACTION_IDS.hand_back, handoff.id, 'U0ANNA', { ts: '1700000000.999999', threadTs: postTs })).status, 200);
    const returned = await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.author === 'system' && m.text.includes('automātiskajam asistentam')));
    handing.restore();
    assert.equal((await h.service.store.getConversation(conversationId))?.state, 'bot');
    await h.service.idle();
    assert.equal((await customerMessages(h, visitor)).filter((m) => m.text === returned.text).length, 1);
  });

  it('answers a self-harm message at once with the supportive text in the customer language, then pages the queue', async () => {
    const visitor = 'visitor_lv_self_harm';
    const support = createTranslator({ defaultLanguage: 'en' }).t('lv', 'selfHarmSupportWithPerson');
    const widget = await openVisitorSocket(h.service.url, visitor);
    assert.equal((await sayAsCustomer(h, visitor, 'sh1', 'negribu vairs dzīvot')).status, 202);

    // On the customer's screen, right after the AI disclosure.
    const pushed = await eventually(() => widget.pushes.find((p) => p.message.text === support));
    assert.equal(pushed.message.author, 'bot');
    await widget.close();
    await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.text === support && m.deliveryStatus === 'sent'));
    const botReplies = (await customerMessages(h, visitor)).filter((m) => m.author === 'bot').map((m) => m.text);
    assert.deepEqual(botReplies.slice(1), [support], 'the supportive text is the first reply after the disclosure');

    // And the desk is paged, flagged for care.
    const post = await eventually(() => queuePosts(h.slack)[0]);
    assert.match(blocksText(post), /SELF-HARM/);
    assert.match(blocksText(post), /negribu vairs dzīvot/);
  });

  it('closes from the thread: the card shows it closed, the customer is told, later replies are refused', async () => {
    const visitor = 'visitor_close_01';
    await sayAsCustomer(h, visitor, 'c1', 'gribu runāt ar cilvēku');
    const { conversationId, handoff, postTs } = await queuedThread(h, visitor);
    await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0ANNA', { ts: postTs });
    await eventually(async () => (await h.service.store.getConversation(conversationId))?.state === 'agent' || undefined);

    assert.equal((await clickButton(h, ACTION_IDS.close, handoff.id, 'U0ANNA', { ts: '1700000000.999998', threadTs: postTs })).status, 200);
    const closed = await eventually(() => h.slack.callsTo('chat.update').find((c) => c.args.ts === postTs && blocksText(c).includes('Closed')));
    assert.doesNotMatch(blocksText(closed), new RegExp(ACTION_IDS.hand_back));
    const told = await eventually(async () => (await customerMessages(h, visitor)).find((m) => m.author === 'system' && m.text.includes('slēgta')));
    assert.equal(told.text, 'Šī saruna ir slēgta. Rakstiet mums jebkurā laikā, ja jums vēl kas vajadzīgs.');
    assert.equal((await h.service.store.getConversation(conversationId))?.state, 'closed');
    assert.equal((await h.service.store.getHandoff(handoff.id))?.status, 'closed');

    await threadMessage(h, 'Ev0LATE1', postTs, 'one more thing', { user: 'U0ANNA' });
    await eventually(() => h.slack.callsTo('chat.postEphemeral').find((c) => c.args.user === 'U0ANNA' && String(c.args.text).includes('already handed back or closed')));
    assert.ok(!(await customerMessages(h, visitor)).some((m) => m.text === 'one more thing'));
  });

  it('keeps the page when Slack answers chat.postMessage with 429: retried after Retry-After', async () => {
    h.slack.rateLimitNext('chat.postMessage', 1, 0);
    await sayAsCustomer(h, 'visitor_429_01', 'l1', 'gribu runāt ar cilvēku');
    const { handoff, postTs } = await queuedThread(h, 'visitor_429_01');
    assert.equal(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === QUEUE && c.args.thread_ts === undefined).length, 2, 'one 429, one accepted');
    assert.equal((await h.service.store.getHandoff(handoff.id))?.deskThread, postTs);
  });

  it('pages again on the next timer round when Slack keeps answering 429 past the client retries', async () => {
    h.slack.rateLimitNext('chat.postMessage', 3, 0);
    await sayAsCustomer(h, 'visitor_429_02', 'l2', 'gribu runāt ar cilvēku');
    // The customer still hears they are queued although the post has not gone out yet.
    await eventually(async () => (await customerMessages(h, 'visitor_429_02')).find((m) => m.author === 'system'));
    await eventually(() => h.lines.some((l) => l.includes('paging the desk failed')) || undefined);
    assert.equal(queuePosts(h.slack).length, 3);
    await h.clock.tickAsync(5 * 60_000);
    const { postTs } = await queuedThread(h, 'visitor_429_02');
    assert.equal(queuePosts(h.slack).length, 4);
    assert.match(blocksText(queuePosts(h.slack)[3]), /asked for a person/);
    assert.ok(postTs);
  });

  it('re-pages an unclaimed conversation every HANDOFF_REPAGE_MINUTES, mentioning on-call, until claimed', async () => {
    await sayAsCustomer(h, 'visitor_repage_01', 'r1', 'human');
    const post = await eventually(() => queuePosts(h.slack)[0]);
    const customer = await eventually(() => h.service.store.findCustomer('web', 'visitor_repage_01'));
    const conversation = (await h.service.store.openConversation(customer, 'en')).conversation;
    const handoff = await eventually(async () => {
      const found = await h.service.store.findActiveHandoff(conversation.id);
      return found?.deskThread ? found : undefined;
    });
    const repages = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === handoff.deskThread && String(c.args.text).includes(ONCALL));
    assert.equal(repages().length, 0);
    assert.ok(post);

    await h.clock.tickAsync(4 * 60_000);
    await h.clock.tickAsync(60_000);
    await eventually(() => repages()[0]);
    await eventually(async () => ((await h.service.store.getHandoff(handoff.id))?.repagedCount === 1) || undefined);
    await h.clock.tickAsync(5 * 60_000);
    await eventually(() => repages()[1]);
    assert.match(String(repages()[1]?.args.text), /10 min/);

    await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0ANNA', { ts: String(handoff.deskThread) });
    await eventually(async () => ((await h.service.store.getHandoff(handoff.id))?.status === 'claimed') || undefined);
    await h.clock.tickAsync(10 * 60_000);
    // Claimed: the timer ran and found nothing queued to re-page.
    assert.equal((await h.service.store.getHandoff(handoff.id))?.repagedCount, 2);
  });

  it('answers 401 to a bad signature and stores nothing', async () => {
    const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev0FORGED', event: { type: 'message', channel: QUEUE, user: 'U0ANNA', text: 'x', ts: '1.1', thread_ts: '1.0' } });
    const forged = await postSignedSlack(h.service.url, { body, contentType: 'application/json' }, { nowMs: h.clock.now, signingSecret: 'wrong-secret' });
    assert.equal(forged.status, 401);
    // Signed with the right secret, but 301 s ago: outside Slack's five-minute replay window.
    const old = await postSignedSlack(h.service.url, { body, contentType: 'application/json' }, { nowMs: h.clock.now - 301_000 });
    assert.equal(old.status, 401);
    // Not recorded: the id is still new to the store.
    assert.equal(await h.service.store.recordWebhookEvent('slack', 'Ev0FORGED', new Date()), true);
  });
});

describe('Slack human queue with an SMS customer', () => {
  const PHONE = '+37120000001';
  const PUBLIC_URL = 'https://support.example.com';
  let h: Harness;
  let twilio: FakeTwilio;
  let sid = 0;
  beforeEach(async () => {
    twilio = await startFakeTwilio();
    h = await startHarness({ TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_SMS_FROM: '+14155550100', PUBLIC_URL, TWILIO_API_URL: twilio.url });
  });
  afterEach(async () => {
    await h.stop();
    await twilio.close();
  });

  /** Twilio posting the customer's SMS, signed over the public URL. */
  function textAsCustomer(body: string): Promise<Response> {
    sid += 1;
    const messageSid = `SM${String(sid).padStart(32, '0')}`;
    const params = { MessageSid: messageSid, SmsSid: messageSid, AccountSid: twilio.accountSid, From: PHONE, To: '+14155550100', Body: body, NumMedia: '0' };
    return twilio.postWebhook(`${h.service.url}/twilio/messages`, `${PUBLIC_URL}/twilio/messages`, params);
  }

  it('delivers the agent reply by SMS, and after STOP refuses the next one with an ephemeral notice', async () => {
    assert.equal((await textAsCustomer('gribu runāt ar cilvēku')).status, 200);
    const conversationId = (await eventually(async () => (await transcriptOf(h.service.store, 'sms', PHONE))[0])).conversationId;
    const handoff = await eventually(async () => {
      const found = await h.service.store.findActiveHandoff(conversationId);
      return found?.deskThread ? found : undefined;
    });
    const postTs = String(handoff.deskThread);
    assert.match(blocksText(queuePosts(h.slack)[0]), /\*Channel\*\\nsms/);
    await clickButton(h, ACTION_IDS.claim, handoff.id, 'U0ANNA', { ts: postTs });
    await eventually(async () => (await h.service.store.getConversation(conversationId))?.state === 'agent' || undefined);

    await threadMessage(h, 'Ev0SMS1', postTs, 'Labdien, te Anna.', { user: 'U0ANNA' });
    await eventually(() => twilio.messages.find((m) => m.to === PHONE && m.body?.includes('Labdien, te Anna.')));

    await textAsCustomer('STOP');
    await eventually(async () => (await h.service.store.findCustomer('sms', PHONE))?.optedOut || undefined);
    await threadMessage(h, 'Ev0SMS2', postTs, 'are you there?', { user: 'U0ANNA' });
    const notice = await eventually(() => h.slack.callsTo('chat.postEphemeral').find((c) => c.args.user === 'U0ANNA'));
    assert.match(String(notice.args.text), /opted out/);
    assert.ok(!twilio.messages.some((m) => m.body?.includes('are you there?')));
    assert.ok(!(await transcriptOf(h.service.store, 'sms', PHONE)).some((m) => m.text === 'are you there?'));
  });
});

describe('Slack human queue outside business hours', () => {
  let h: Harness;
  // Sunday 2025-05-04 12:00 in Riga.
  const SUNDAY_NOON = Date.parse('2025-05-04T09:00:00.000Z');
  beforeEach(async () => {
    h = await startHarness({ HANDOFF_HOURS: 'Mon-Fri 09:00-17:00 Europe/Riga' }, SUNDAY_NOON);
  });
  afterEach(async () => {
    await h.stop();
  });

  it('tells the customer when staff return, keeps the post queued, and does not re-page at night', async () => {
    await sayAsCustomer(h, 'visitor_weekend_1', 'w1', 'gribu runāt ar cilvēku');
    const post = await eventually(() => queuePosts(h.slack)[0]);
    assert.match(blocksText(post), /outside working hours/);
    assert.match(blocksText(post), new RegExp(ACTION_IDS.claim));
    const notice = await eventually(async () => (await customerMessages(h, 'visitor_weekend_1')).find((m) => m.author === 'system'));
    assert.match(notice.text, /atgriezīsies pirmdiena 09:00/i);
    await h.clock.tickAsync(30 * 60_000);
    const customer = await eventually(() => h.service.store.findCustomer('web', 'visitor_weekend_1'));
    const conversation = (await h.service.store.openConversation(customer, 'en')).conversation;
    assert.equal((await h.service.store.findActiveHandoff(conversation.id))?.repagedCount, 0);
  });
});
