/**
 * Spike alerts end to end: the real service with the Slack desk on the fake Slack Web API and AGENT_LANGUAGE=de.
 * Six web customers ask for a person within the hour (usually nobody does): one alert reaches the queue channel,
 * in German, with the figures and three example messages escaped, and no second one follows within the hour.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { projectPath } from '../src/paths.js';
import { startService, type RunningService } from '../src/service.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from './fakes/fake-slack.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { eventually } from './support/eventually.js';
import { advanceBy, clockOf, privateFakeClock, type FakeClock } from './support/fake-clock.js';
import { slackTestEnv, SLACK_TEST_QUEUE } from './support/slack-requests.js';
import { postWebMessage } from './support/web-requests.js';

const MINUTE = 60_000;

describe('spike alerts end to end', function () {
  this.timeout(30_000);
  let slack: FakeSlack;
  let dataDir: string;
  let clock: FakeClock;
  let service: RunningService;

  before(async () => {
    slack = await startFakeSlack();
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-spikes-'));
    clock = privateFakeClock(Date.now());
    // The base's own entry for reaching a person is an ordinary one: each request also gets its answer, and must
    // still be watched under its reason alone (one surge, one alert).
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      LANGUAGES: 'en',
      AGENT_LANGUAGE: 'de',
      CSAT: 'off',
      KNOWLEDGE_BASE: projectPath('test', 'fixtures', 'call-us-knowledge.yaml'),
      ...slackTestEnv(slack.apiUrl),
    });
    service = await startService(config, { logger: createCollectingLogger().logger, clock: clockOf(clock) });
  });
  after(async () => {
    await service.stop();
    await slack.close();
    clock.uninstall();
    await rm(dataDir, { recursive: true, force: true });
  });

  const alerts = (): FakeSlackCall[] => slack.callsTo('chat.postMessage').filter((call) => String(call.args.text).startsWith('Auffälliger Anstieg'));

  it('posts one alert in AGENT_LANGUAGE with the figures and three escaped examples, once per topic and hour', async () => {
    const requests = [
      'I want to talk to a human agent please',
      'Can I speak to a real person please',
      'I want to talk to a human agent please',
      'Please connect me with a human agent',
      'I need to speak to a human agent now',
      'let me talk to a human agent <!channel>',
    ];
    for (const [i, text] of requests.entries()) {
      const visitorId = `visitor-spike-0${i}`;
      assert.equal((await postWebMessage(service.url, { visitorId, clientMessageId: `msg_${visitorId}`, text })).status, 202);
      // One at a time, so the newest examples are the last requests.
      await eventually(async () => (await service.store.listQueuedHandoffs()).length === i + 1);
    }
    const handoffs = await eventually(async () => {
      const claims = await service.store.listQueuedHandoffs();
      return claims.length === requests.length && claims;
    });
    const reason = handoffs[0]?.reason;
    assert.ok(handoffs.every((h) => h.reason === reason), 'every request is handed over for the same reason');
    const told = await eventually(async () => {
      const messages = await service.store.listMessages(handoffs[0]?.conversationId ?? 0);
      return messages.find((m) => m.author === 'bot' && m.text.startsWith('Call us on'));
    });
    assert.ok(told, "the base's own way to reach a person is said while the person is fetched");

    await advanceBy(clock, 6 * MINUTE, { stepMs: MINUTE });
    await eventually(() => alerts().length > 0);
    const [alert] = alerts();
    assert.equal(alert?.args.channel, SLACK_TEST_QUEUE);
    const body = JSON.stringify(alert?.args.blocks);
    assert.match(String(alert?.args.text), /6 in der letzten Stunde; üblich sind 0 pro Stunde/);
    assert.match(body, /Beispiele/);
    const quoted = body.match(/> [^\\]+/g) ?? [];
    assert.equal(quoted.length, 3, body);
    // A customer's words never become Slack markup.
    assert.ok(!body.includes('<!channel>'));
    assert.match(body, /let me talk to a human agent &lt;!channel&gt;/);

    // The next checks within the hour stay quiet about it.
    await advanceBy(clock, 20 * MINUTE, { stepMs: MINUTE });
    assert.equal(alerts().length, 1);
  });
});
