import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ChannelError } from '../src/errors.js';
import { projectPath } from '../src/paths.js';
import { mapActivity, type BotFrameworkEvent } from '../adapters/botframework/botframework-inbound.js';
import { toChannelError, toReplyActivity } from '../adapters/botframework/botframework-outbound.js';
import { conversationReferenceSchema } from '../adapters/botframework/botframework-schemas.js';
import type { Inbound, Outbound } from '../src/model.js';

const RECEIVED_AT = new Date('2025-03-04T10:15:31.000Z');

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(projectPath('test', 'fixtures', 'botframework', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

function eventOf(activity: unknown): BotFrameworkEvent {
  const result = mapActivity(activity, RECEIVED_AT);
  assert.ok(result.ok, `expected a valid activity, got: ${result.ok ? '' : result.reason}`);
  return result.event;
}

function inboundOf(activity: unknown): Inbound {
  const event = eventOf(activity);
  assert.equal(event.kind, 'message');
  return event.inbound;
}

function rejection(activity: unknown): string {
  const result = mapActivity(activity, RECEIVED_AT);
  assert.ok(!result.ok, 'expected the activity to be rejected');
  return result.reason;
}

describe('Bot Framework activity → Inbound', () => {
  it('maps a Web Chat message: text, locale and name as hints, conversation id as address, a reusable reference', () => {
    const inbound = inboundOf(fixture('webchat-message'));
    assert.equal(inbound.text, '¿cuánto tarda el envío?');
    assert.deepEqual(inbound.hints, { locale: 'es-ES', name: 'Ana' });
    assert.equal(inbound.externalId, 'KJ3xY2Tz1bA8qL0mN4pR7s-us/KJ3xY2Tz1bA8qL0mN4pR7s-us|0000001');
    assert.equal(inbound.from.channel, 'botframework');
    assert.equal(inbound.from.id, 'KJ3xY2Tz1bA8qL0mN4pR7s-us');
    assert.equal(inbound.receivedAt, RECEIVED_AT);
    assert.equal(inbound.media, undefined);
    // Exactly what TurnContext.getConversationReference gives, as plain JSON the store can keep.
    assert.deepEqual(inbound.from.ref, {
      activityId: 'KJ3xY2Tz1bA8qL0mN4pR7s-us|0000001',
      user: { id: 'dl_5f0c2a3e8b', name: 'Ana', role: 'user' },
      bot: { id: 'switchboard-bot@ZkT9rV2m', name: 'Switchboard' },
      conversation: { id: 'KJ3xY2Tz1bA8qL0mN4pR7s-us' },
      channelId: 'webchat',
      locale: 'es-ES',
      serviceUrl: 'https://directline.botframework.com/',
    });
    assert.ok(conversationReferenceSchema.safeParse(inbound.from.ref).success);
  });

  it('keeps a Teams conversation id with ":" and the tenant in the reference', () => {
    const inbound = inboundOf(fixture('teams-personal-message'));
    assert.equal(inbound.from.id, 'a:1_Y0HtZ5Wn9bQ3yK8pR2sV7xU4mL6cJ1fD0gH3kN8qT5wE2rA9zB7vC4xM1nP6oS3');
    assert.deepEqual(inbound.hints, { locale: 'de-DE', name: 'Jonas Becker' });
    const reference = conversationReferenceSchema.parse(inbound.from.ref);
    assert.equal(reference.channelId, 'msteams');
    assert.equal(reference.serviceUrl, 'https://smba.trafficmanager.net/emea/');
    assert.equal(reference.conversation.tenantId, '72f988bf-86f1-41af-91ab-2d7cd011db47');
    assert.equal(reference.user?.['aadObjectId'], '6b5d3b2a-1c4e-4f0a-9d8e-2a7b1c3d4e5f');
  });

  it('removes the @mention of the bot from a Teams channel message and keeps the thread id', () => {
    const inbound = inboundOf(fixture('teams-channel-mention'));
    assert.equal(inbound.text, 'wie lange dauert der Versand?');
    assert.equal(inbound.from.id, '19:ae5f1e1c4f4e4b6d9d9c3d2f6f1a5b6c@thread.tacv2;messageid=1738871412345');
  });

  it('keeps a mention of someone else', () => {
    const activity = fixture('teams-channel-mention');
    activity['entities'] = [{ type: 'mention', text: '<at>Switchboard</at>', mentioned: { id: '29:someone-else' } }];
    assert.equal(inboundOf(activity).text, '<at>Switchboard</at> wie lange dauert der Versand?');
  });

  it('turns file attachments into media and leaves cards out', () => {
    const inbound = inboundOf(fixture('webchat-attachment'));
    assert.equal(inbound.text, '');
    assert.deepEqual(inbound.media, [
      {
        url: 'https://directline.botframework.com/attachments/KJ3xY2Tz1bA8qL0mN4pR7s-us/0000004/0/parcel.png?t=abc',
        contentType: 'image/png',
      },
    ]);
  });

  it('greets the customer who joined a Web Chat conversation, with their locale and name', () => {
    const event = eventOf(fixture('webchat-conversation-update'));
    assert.equal(event.kind, 'join');
    assert.equal(event.address.id, 'KJ3xY2Tz1bA8qL0mN4pR7s-us');
    assert.deepEqual(event.hints, { locale: 'es-ES', name: 'Ana' });
    assert.ok(conversationReferenceSchema.safeParse(event.address.ref).success);
  });

  it('greets the Teams user who installed the bot in a 1:1 chat, but not a channel where the bot was added', () => {
    const personal = eventOf(fixture('teams-bot-installed'));
    assert.equal(personal.kind, 'join');
    const channel = fixture('teams-bot-installed');
    channel['conversation'] = { id: '19:ae5f@thread.tacv2', conversationType: 'channel', isGroup: true };
    assert.equal(eventOf(channel).kind, 'ignored');
  });

  it('ignores a conversationUpdate where only the bot joined a Web Chat conversation', () => {
    const activity = fixture('webchat-conversation-update');
    activity['membersAdded'] = [{ id: 'switchboard-bot@ZkT9rV2m' }];
    assert.equal(eventOf(activity).kind, 'ignored');
  });

  it('ignores typing, reactions, empty messages and its own echoes', () => {
    assert.equal(eventOf({ ...fixture('webchat-message'), type: 'typing' }).kind, 'ignored');
    assert.equal(eventOf({ ...fixture('webchat-message'), type: 'messageReaction' }).kind, 'ignored');
    assert.equal(eventOf({ ...fixture('webchat-message'), text: '   ' }).kind, 'ignored');
    const echo = fixture('webchat-message');
    echo['from'] = { id: 'switchboard-bot@ZkT9rV2m' };
    assert.equal(eventOf(echo).kind, 'ignored');
  });

  it('rejects activities without what a reply needs, naming the field', () => {
    const withoutServiceUrl = fixture('webchat-message');
    delete withoutServiceUrl['serviceUrl'];
    assert.match(rejection(withoutServiceUrl), /^serviceUrl:/);
    assert.match(rejection({ ...fixture('webchat-message'), serviceUrl: 'file:///etc/passwd' }), /^serviceUrl:/);
    assert.match(rejection({ ...fixture('webchat-message'), conversation: {} }), /^conversation\.id:/);
    assert.match(rejection({ ...fixture('webchat-message'), id: undefined }), /^id:/);
    assert.match(rejection('not an activity'), /expected object/);
  });
});

describe('Bot Framework outbound mapping', () => {
  const base: Outbound = {
    to: { channel: 'botframework', id: 'c1' },
    text: 'Standard shipping takes 2–4 business days.',
    author: 'bot',
    messageId: 7,
    conversationId: 3,
  };
  const label = (name: string | undefined): string => `${name ?? 'Someone'} (person from our team)`;

  it('sends bot text as plain text, unlabelled', () => {
    assert.deepEqual(toReplyActivity(base, label), { type: 'message', text: base.text, textFormat: 'plain' });
  });

  it('marks an agent message as written by a person', () => {
    const activity = toReplyActivity({ ...base, author: 'agent', agentName: 'Anna', text: 'Let me check that.' }, label);
    assert.equal(activity.text, 'Anna (person from our team): Let me check that.');
  });

  it('classifies connector failures: throttling, server errors and the network retry; other 4xx do not', () => {
    const restError = (statusCode: number): Error => Object.assign(new Error(`status ${statusCode}`), { statusCode });
    for (const status of [408, 429, 500, 502, 503]) {
      const error = toChannelError(restError(status), 'c1');
      assert.ok(error instanceof ChannelError);
      assert.equal(error.retryable, true, `${status} should be retryable`);
      assert.equal(error.providerCode, `http_${status}`);
    }
    for (const status of [400, 401, 403, 404]) assert.equal(toChannelError(restError(status), 'c1').retryable, false, `${status} is permanent`);
    const network = toChannelError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'c1');
    assert.equal(network.retryable, true);
    assert.equal(network.providerCode, 'ECONNREFUSED');
    assert.match(network.message, /conversation c1/);
  });
});
