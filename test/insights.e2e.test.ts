/**
 * Operator figures end to end: real traffic through the web channel (answered, unanswered, handed to a person and
 * claimed in the Slack desk), a model that is down, then /metrics parsed and GET /admin/insights read back.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import type { Clock } from '../src/handoff/clock.js';
import type { InsightsReport } from '../src/insights/insights-report.js';
import { ACTION_IDS } from '../adapters/slack/slack-blocks.js';
import { startFakeSlack, type FakeSlack } from './fakes/fake-slack.js';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { customerMessages } from './support/customer-messages.js';
import { eventually } from './support/eventually.js';
import { buttonClickBody, postSignedSlack, slackTestEnv } from './support/slack-requests.js';
import { postWebMessage } from './support/web-requests.js';

const TOKEN = 'test-admin-token-0123456789abcdef-0123';
const METRIC_NAMES = [
  'switchboard_inbound_messages_total',
  'switchboard_replies_total',
  'switchboard_escalations_total',
  'switchboard_outbox_pending',
  'switchboard_outbox_oldest_pending_seconds',
  'switchboard_dead_letters_total',
  'switchboard_turn_duration_seconds',
  'switchboard_delivery_duration_seconds',
  'switchboard_llm_requests_total',
  'switchboard_llm_duration_seconds',
  'switchboard_queue_wait_seconds',
  'switchboard_conversations_total',
];

/** Prometheus text format: each sample line's name with labels, to its value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

describe('metrics and insights after real traffic', function () {
  this.timeout(20_000);
  let slack: FakeSlack;
  let openai: FakeOpenAi;
  let dataDir: string;
  let clock: sinon.SinonFakeTimers;
  let service: RunningService;

  before(async () => {
    slack = await startFakeSlack({ users: { U0ANNA: 'Anna' } });
    openai = await startFakeOpenAi();
    // The model is down: every answer falls back to the offline one, and each failure is counted.
    openai.respondWith(() => ({ status: 503 }));
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-insights-'));
    // Only the handoff queue runs on this clock (installed on a private object, not the process).
    const box = { setTimeout, clearTimeout, setInterval, clearInterval, Date };
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], global: box } as Parameters<typeof sinon.useFakeTimers>[0] & { global: object });
    const handoffClock: Clock = {
      now: () => new Date(clock.now),
      schedule(callback, delayMs) {
        const id = clock.setTimeout(callback, delayMs);
        return { cancel: () => clock.clearTimeout(id) };
      },
    };
    const env = {
      PORT: '0',
      DATA_DIR: dataDir,
      LANGUAGES: 'en',
      ADMIN_TOKEN: TOKEN,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_MODEL: 'fake-model',
      LLM_TIMEOUT_MS: '2000',
      ...slackTestEnv(slack.apiUrl),
    };
    service = await startService(loadConfig(env), { logger: createCollectingLogger().logger, clock: handoffClock });

    const say = async (visitorId: string, text: string): Promise<void> => {
      assert.equal((await postWebMessage(service.url, { visitorId, clientMessageId: `msg_${visitorId}_0001`, text })).status, 202);
      await eventually(async () => (await customerMessages(service.store, 'web', visitorId)).some((m) => m.direction === 'out'));
    };
    await say('visitor-answered-01', 'how long does shipping take?');
    await say('visitor-unanswered-01', 'what is the airspeed velocity of an unladen swallow?');
    await say('visitor-escalated-01', 'I want to talk to a human agent please');

    const [first] = await customerMessages(service.store, 'web', 'visitor-escalated-01');
    assert.ok(first);
    const handoff = await eventually(() => service.store.findActiveHandoff(first.conversationId));
    const postTs = await eventually(async () => (await service.store.getHandoff(handoff.id))?.deskThread ?? undefined);
    clock.tick(90_000);
    const click = buttonClickBody({ actionId: ACTION_IDS.claim, value: String(handoff.id), userId: 'U0ANNA', ts: postTs });
    assert.equal((await postSignedSlack(service.url, click, { nowMs: clock.now })).status, 200);
    await eventually(async () => (await service.store.getHandoff(handoff.id))?.status === 'claimed');
    // The claim queues "Anna joined" after it is recorded: wait for that notice too before counting replies.
    await eventually(async () => (await customerMessages(service.store, 'web', 'visitor-escalated-01')).some((m) => m.author === 'system' && m.text.includes('Anna')));
    // Every reply accepted, not merely none due: a reply being sent at this moment still counts as pending.
    await eventually(async () => (await service.store.outboxBacklog()).pending === 0);
  });

  after(async () => {
    await service.stop();
    await slack.close();
    await openai.close();
    clock.uninstall();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('/metrics lists every metric, with values that match the traffic', async () => {
    const res = await fetch(`${service.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const name of METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    const values = samples(text);
    const reason = (await service.store.listRecentClaims(1))[0]?.reason;
    assert.equal(values.get('switchboard_inbound_messages_total{channel="web"}'), 3);
    assert.equal(values.get('switchboard_conversations_total{language="en"}'), 3);
    assert.equal(values.get(`switchboard_escalations_total{reason="${reason}"}`), 1);
    assert.equal(values.get('switchboard_queue_wait_seconds_count'), 1);
    assert.equal(values.get('switchboard_queue_wait_seconds_sum'), 90);
    assert.equal(values.get('switchboard_turn_duration_seconds_count'), 3);
    // The AI disclosure for each visitor and the bot's reply to the two it did not hand over; the handoff notices are the system's.
    assert.equal(values.get('switchboard_replies_total{channel="web",author="bot"}'), 5);
    assert.ok((values.get('switchboard_replies_total{channel="web",author="system"}') ?? 0) >= 1);
    assert.equal(values.get('switchboard_delivery_duration_seconds_count{channel="web"}'), [...values.entries()].filter(([k]) => k.startsWith('switchboard_replies_total{channel="web"')).reduce((sum, [, v]) => sum + v, 0));
    assert.ok((values.get('switchboard_llm_requests_total{purpose="answer",outcome="server_error"}') ?? 0) >= 1);
    assert.equal(values.get('switchboard_outbox_pending'), 0);
    assert.equal(values.get('switchboard_outbox_oldest_pending_seconds'), 0);
    // Default process metrics, prefixed.
    assert.ok((values.get('switchboard_process_resident_memory_bytes') ?? 0) > 0);
  });

  it('GET /admin/insights gives the period\'s figures, with the unanswered question by its text', async () => {
    assert.equal((await fetch(`${service.url}/admin/insights`)).status, 401);
    const res = await fetch(`${service.url}/admin/insights`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const report = (await res.json()) as InsightsReport;
    assert.equal(report.conversations.total, 3);
    assert.deepEqual(Object.values(report.conversations.days.at(-1)?.byChannel ?? {}), [3]);
    // Every day of the default period (the last 7 days up to now), quiet ones as zeros.
    assert.equal(report.conversations.days.length, 8);
    assert.deepEqual(report.languages, [{ language: 'en', count: 3 }]);
    assert.equal(report.handoffsByReason.length, 1);
    assert.deepEqual(report.timeToClaimSeconds, { claimed: 1, median: 90, p90: 90 });
    assert.deepEqual(report.unansweredQuestions, [{ example: 'what is the airspeed velocity of an unladen swallow?', count: 1 }]);
    // Nobody has been quiet for 24 hours yet: nothing is judged resolved or not.
    assert.equal(report.automatedResolution.settled, 0);
    assert.equal(report.automatedResolution.rate, null);

    const bad = await fetch(`${service.url}/admin/insights?from=yesterday`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /ISO-8601/);
  });
});
