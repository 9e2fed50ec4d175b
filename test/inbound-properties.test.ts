/**
 * Property-based tests (fast-check) of everything that reads a request from outside: the inbound mappers of
 * Twilio, Bot Framework, the web widget and Slack, and the Twilio and Slack signature checks. Random payloads and
 * mutations of real ones (fields dropped, replaced by other types, U+0000 and noncharacters spliced in) never
 * make them throw anything but our typed 4xx errors, and what they let through is clean: capped text without
 * noncharacters. Through the running service, such requests are answered below 500 and store nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import twilio from 'twilio';
import { BadRequestError, SignatureError, httpStatusOf } from '../src/errors.js';
import { loadConfig } from '../src/config.js';
import { projectPath } from '../src/paths.js';
import { startService, type RunningService } from '../src/service.js';
import { hasNonCharacters } from '../src/unicode-text.js';
import { toTwilioInbound } from '../adapters/twilio/twilio-inbound.js';
import { verifyTwilioRequest } from '../adapters/twilio/twilio-signature.js';
import { mapActivity } from '../adapters/botframework/botframework-adapter.js';
import { MAX_ACTIVITY_TEXT } from '../adapters/botframework/botframework-schemas.js';
import { messageBodySchema } from '../adapters/web/web-schemas.js';
import { preferredLanguageTag, toWebInbound } from '../adapters/web/web-inbound.js';
import { blockActionSchema, messageEventSchema } from '../adapters/slack/slack-payloads.js';
import { signSlackRequest, verifySlackSignature } from '../adapters/slack/slack-signature.js';
import { startFakeSlack, type FakeSlack } from './fakes/fake-slack.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { SLACK_TEST_SIGNING_SECRET, slackTestEnv } from './support/slack-requests.js';

const RUNS = { numRuns: 300 };
const fixture = (...path: string[]): Record<string, unknown> => JSON.parse(readFileSync(projectPath('test', 'fixtures', ...path), 'utf8')) as Record<string, unknown>;

/** Characters that broke things before: U+0000, noncharacters, lone surrogates, Slack and HTML markup. */
const hostileChar = fc.constantFrom('\u0000', '\uFFFE', '\uFFFF', '\uFDD0', '\uD800', '\uDC00', '\u{10FFFF}', '<', '>', '&', '|', '\n', '😀', 'ā');
/** Any text, weighted towards the hostile characters. */
const hostileString = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.array(hostileChar, { maxLength: 20 }).map((chars) => chars.join('')), fc.string());
const anyValue = fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(hostileString, { maxLength: 3 }), fc.dictionary(hostileString, hostileString, { maxKeys: 3 }));

type Json = Record<string, unknown>;
type Mutation = { path: number; kind: 'delete' } | { path: number; kind: 'replace'; value: unknown } | { path: number; kind: 'splice'; at: number; text: string };

/** Every path to a value in `value` (objects and arrays, three levels deep). */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null || prefix.length >= 3) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => pathsOf((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

/** `base` with the mutations applied, on a copy. */
function applyMutations(base: Json, mutations: readonly Mutation[]): Json {
  const copy = structuredClone(base);
  for (const mutation of mutations) {
    const paths = pathsOf(copy).filter((p) => p.length > 0);
    const path = paths[mutation.path % Math.max(paths.length, 1)];
    if (!path) continue;
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as Record<string | number, unknown>;
    const key = path.at(-1) as string | number;
    if (mutation.kind === 'delete') delete parent[key];
    else if (mutation.kind === 'replace') parent[key] = mutation.value;
    else if (typeof parent[key] === 'string') {
      const text = parent[key];
      const at = mutation.at % (text.length + 1);
      parent[key] = text.slice(0, at) + mutation.text + text.slice(at);
    }
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.nat(), kind: fc.constant('delete' as const) }),
  fc.record({ path: fc.nat(), kind: fc.constant('replace' as const), value: anyValue }),
  fc.record({ path: fc.nat(), kind: fc.constant('splice' as const), at: fc.nat(), text: hostileString }),
);
/** Real payloads, mutated, and random ones. */
const payloadsLike = (base: Json) => fc.oneof(fc.array(mutation, { minLength: 1, maxLength: 4 }).map((m) => applyMutations(base, m)), fc.dictionary(hostileString, anyValue), anyValue);

/** Runs `map`; a throw must be one of ours with a 4xx status. */
function onlyTyped4xx<T>(map: () => T): T | undefined {
  try {
    return map();
  } catch (error) {
    assert.ok(error instanceof BadRequestError || error instanceof SignatureError, `threw ${String(error)}`);
    assert.ok(httpStatusOf(error) >= 400 && httpStatusOf(error) < 500);
    return undefined;
  }
}

const clean = (text: string) => !hasNonCharacters(text);

describe('inbound mappers under random and mutated payloads', () => {
  it('Twilio: a BadRequestError or an Inbound with clean ids and capped, clean text', () => {
    const base = fixture('twilio', 'sms-inbound.json');
    fc.assert(
      fc.property(payloadsLike(base), (payload) => {
        const inbound = onlyTyped4xx(() => toTwilioInbound(payload, new Date()));
        if (!inbound) return;
        assert.ok(inbound.externalId && clean(inbound.externalId) && inbound.from.id && clean(inbound.from.id));
        assert.ok(clean(inbound.text) && inbound.text.length <= 4000);
        assert.ok(inbound.hints?.name === undefined || (clean(inbound.hints.name) && inbound.hints.name.length <= 256));
      }),
      RUNS,
    );
  });

  it('Bot Framework: a reason or an event, never a throw; messages with clean ids and capped, clean text', () => {
    const bases = ['webchat-message.json', 'teams-personal-message.json', 'teams-channel-mention.json', 'webchat-conversation-update.json'].map((name) => fixture('botframework', name));
    fc.assert(
      fc.property(fc.constantFrom(...bases).chain(payloadsLike), (payload) => {
        const result = mapActivity(payload, new Date());
        if (!result.ok) {
          assert.equal(typeof result.reason, 'string');
          return;
        }
        if (result.event.kind !== 'message') return;
        const { inbound } = result.event;
        assert.ok(clean(inbound.externalId) && clean(inbound.from.id) && clean(inbound.text));
        assert.ok(inbound.text.length <= MAX_ACTIVITY_TEXT);
        assert.ok(inbound.hints?.name === undefined || clean(inbound.hints.name));
      }),
      RUNS,
    );
  });

  it('web: the body schema never throws, and what it passes maps to clean text within the cap', () => {
    const schema = messageBodySchema(2000);
    const base = { visitorId: 'visitor_0001', clientMessageId: 'message_0001', text: 'where is my order?', locale: 'lv' };
    fc.assert(
      fc.property(payloadsLike(base), hostileString, (payload, acceptLanguage) => {
        const parsed = schema.safeParse(payload);
        assert.equal(typeof preferredLanguageTag(acceptLanguage) === 'string' || preferredLanguageTag(acceptLanguage) === undefined, true);
        if (!parsed.success) return;
        const inbound = toWebInbound({ body: parsed.data, acceptLanguage, receivedAt: new Date() });
        assert.ok(clean(inbound.text) && inbound.text.length >= 1 && inbound.text.length <= 2000);
        assert.match(inbound.from.id, /^[A-Za-z0-9_-]{8,64}$/);
      }),
      RUNS,
    );
  });

  it("Slack: payload schemas never throw, and pass only Slack's own id and timestamp alphabets", () => {
    const action = {
      type: 'block_actions',
      trigger_id: '1700000001.abc',
      user: { id: 'U0ANNA', name: 'anna' },
      container: { channel_id: 'C0QUEUE01', message_ts: '1700000000.000001' },
      actions: [{ action_id: 'handoff_claim', value: '7' }],
    };
    const event = { type: 'event_callback', event_id: 'Ev0AGENT1', event: { type: 'message', channel: 'C0QUEUE01', user: 'U0ANNA', text: 'hi', ts: '1700000100.000001', thread_ts: '1700000000.000001' } };
    fc.assert(
      fc.property(payloadsLike(action), payloadsLike(event), (a, e) => {
        const clicked = blockActionSchema.safeParse(a);
        if (clicked.success) assert.ok([clicked.data.trigger_id, clicked.data.user.id, clicked.data.container?.channel_id ?? ''].every((id) => /^[\w.-]*$/.test(id)));
        const message = messageEventSchema.safeParse(e);
        if (message.success) assert.ok([message.data.event_id, message.data.event.channel, message.data.event.ts].every((id) => /^[A-Za-z0-9.]+$/.test(id)));
      }),
      RUNS,
    );
  });
});

describe('signature checks under random and mutated requests', () => {
  const authToken = '0123456789abcdef0123456789abcdef';
  const url = 'https://support.example.com/twilio/messages';

  it('Twilio: only a correctly signed request passes; anything else is a SignatureError', () => {
    const params = { MessageSid: `SM${'1'.repeat(32)}`, From: '+37120000001', Body: 'hello' };
    const body = new URLSearchParams(params).toString();
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    const request = (overrides: { body?: string; signature?: string | undefined; url?: string; contentType?: string }) => ({
      url: overrides.url ?? url,
      signature: 'signature' in overrides ? overrides.signature : signature,
      contentType: overrides.contentType ?? 'application/x-www-form-urlencoded',
      rawBody: Buffer.from(overrides.body ?? body),
    });
    assert.equal(verifyTwilioRequest(authToken, request({})).kind, 'form');
    fc.assert(
      fc.property(
        fc.record({ body: fc.option(hostileString, { nil: undefined }), signature: fc.option(hostileString, { nil: undefined }), url: fc.option(hostileString, { nil: undefined }), contentType: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), { nil: undefined }) }),
        (overrides) => {
          const changed = Object.entries(overrides).filter(([, v]) => v !== undefined);
          if (changed.length === 0) return;
          const mutated = Object.fromEntries(changed) as { body?: string; signature?: string; url?: string; contentType?: string };
          // The content type is not signed: any type but JSON is read as the same form, whose signature holds.
          if (changed.every(([key]) => key === 'contentType') && mutated.contentType !== 'application/json') return;
          assert.throws(() => verifyTwilioRequest(authToken, request(mutated)), (error: unknown) => error instanceof SignatureError);
        },
      ),
      RUNS,
    );
  });

  it('Slack: only a fresh, correctly signed request passes; anything else is a SignatureError', () => {
    const nowMs = 1_700_000_000_000;
    const timestamp = String(nowMs / 1000);
    const rawBody = JSON.stringify({ type: 'event_callback', event_id: 'Ev1' });
    const signature = signSlackRequest(SLACK_TEST_SIGNING_SECRET, timestamp, rawBody);
    verifySlackSignature({ signingSecret: SLACK_TEST_SIGNING_SECRET, rawBody, timestamp, signature, nowMs });
    fc.assert(
      fc.property(fc.record({ rawBody: hostileString, timestamp: fc.oneof(hostileString, fc.integer().map(String)), signature: hostileString }, { requiredKeys: [] }), (mutated) => {
        const input = { signingSecret: SLACK_TEST_SIGNING_SECRET, rawBody, timestamp, signature, nowMs, ...mutated };
        const unchanged = input.rawBody === rawBody && input.timestamp === timestamp && input.signature === signature;
        if (unchanged) return;
        assert.throws(() => verifySlackSignature(input), (error: unknown) => error instanceof SignatureError);
      }),
      RUNS,
    );
  });
});

describe('random and mutated requests through the service', function () {
  this.timeout(120_000);
  const TWILIO = { sid: `AC${'2'.repeat(32)}`, token: '0123456789abcdef0123456789abcdef' };
  let dataDir: string;
  let slack: FakeSlack;
  let service: RunningService;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-properties-'));
    slack = await startFakeSlack();
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      BOTFRAMEWORK_ANONYMOUS: 'true',
      TWILIO_ACCOUNT_SID: TWILIO.sid,
      TWILIO_AUTH_TOKEN: TWILIO.token,
      TWILIO_SMS_FROM: '+14155550100',
      PUBLIC_URL: 'https://support.example.com',
      TWILIO_API_URL: 'http://127.0.0.1:9',
      ...slackTestEnv(slack.apiUrl),
    });
    service = await startService(config, { logger: createCollectingLogger().logger });
  });
  after(async () => {
    await service.stop();
    await slack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (path: string, contentType: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });

  it('answers mis-signed Twilio and Slack requests and broken activities below 500, storing nothing', async () => {
    const twilioBase = fixture('twilio', 'sms-inbound.json');
    const activityBase = { ...fixture('botframework', 'webchat-message.json'), serviceUrl: 'https://evil.example/' };
    await fc.assert(
      fc.asyncProperty(payloadsLike(twilioBase), payloadsLike(activityBase), hostileString, async (form, activity, signature) => {
        const text = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
        const formBody = typeof form === 'object' && form !== null ? new URLSearchParams(Object.entries(form).map(([k, v]) => [k, text(v)])).toString() : text(form);
        const twilioAnswer = await send('/twilio/messages', 'application/x-www-form-urlencoded', formBody, { 'x-twilio-signature': signature.replace(/[^\x20-\x7e]/g, '') });
        assert.ok(twilioAnswer.status >= 400 && twilioAnswer.status < 500, `twilio ${twilioAnswer.status}`);
        const slackAnswer = await send('/slack/events', 'application/json', JSON.stringify(activity), { 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': `v0=${'0'.repeat(64)}` });
        assert.equal(slackAnswer.status, 401);
        const activityAnswer = await send('/api/messages', 'application/json', JSON.stringify(activity));
        assert.ok(activityAnswer.status >= 400 && activityAnswer.status < 500, `activity ${activityAnswer.status}: ${await activityAnswer.text()}`);
      }),
      { numRuns: 60 },
    );
    const probes: [Parameters<RunningService['store']['findCustomer']>[0], string][] = [
      ['sms', '+37120000001'],
      ['botframework', 'KJ3xY2Tz1bA8qL0mN4pR7s-us'],
    ];
    for (const [channel, id] of probes) assert.equal(await service.store.findCustomer(channel, id), undefined);
    assert.equal(await service.store.recordWebhookEvent('slack', 'Ev0AGENT1', new Date()), true, 'no Slack event recorded');
  });

  it('answers random widget bodies below 500, and stores nothing for those it refuses', async () => {
    const base = { visitorId: 'visitor_prop_0001', clientMessageId: 'message_0001', text: 'hello' };
    await fc.assert(
      fc.asyncProperty(payloadsLike(base), async (body) => {
        const answer = await send('/web/messages', 'application/json', JSON.stringify(body));
        assert.ok(answer.status < 500, `web ${answer.status}`);
        const visitorId = typeof body === 'object' && body !== null && 'visitorId' in body ? body.visitorId : undefined;
        if (answer.status >= 400 && typeof visitorId === 'string' && visitorId !== base.visitorId) {
          assert.equal(await service.store.findCustomer('web', visitorId).catch(() => undefined), undefined);
        }
      }),
      { numRuns: 80 },
    );
  });
});
