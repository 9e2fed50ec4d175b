/** The limits' variables: defaults a business can run with, 0 to turn one off, and bad values named with the fix. */
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { addressKey } from '../adapters/web/client-address.js';

describe('limits configuration', () => {
  it('limits the web channel and model calls by default, in memory', () => {
    assert.deepEqual(loadConfig({}).limits, {
      redisUrl: undefined,
      webMessagesPerVisitorPerMinute: 20,
      webMessagesPerIpPerMinute: 120,
      webSocketsPerVisitor: 5,
      webSocketsPerIp: 50,
      webSocketsTotal: 10_000,
      llmCallsPerConversationPerHour: 10,
    });
  });

  it('turns a limit off with 0 and keeps limits in Redis with REDIS_URL', () => {
    const { limits } = loadConfig({ WEB_MESSAGES_PER_IP_PER_MINUTE: '0', REDIS_URL: 'redis://127.0.0.1:6379' });
    assert.equal(limits.webMessagesPerIpPerMinute, undefined);
    assert.equal(limits.redisUrl, 'redis://127.0.0.1:6379');
  });

  for (const [name, value] of [
    ['WEB_MESSAGES_PER_VISITOR_PER_MINUTE', 'many'],
    ['WEB_MESSAGES_PER_IP_PER_MINUTE', '-1'],
    ['WEB_SOCKETS_PER_VISITOR', '2.5'],
    ['WEB_SOCKETS_TOTAL', '99999999'],
    ['LLM_CALLS_PER_CONVERSATION_PER_HOUR', 'ten'],
    ['REDIS_URL', '127.0.0.1:6379'],
  ] as const) {
    it(`stops with one line naming ${name} and the fix for ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${name}=`) && /set it/.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});

describe('client address keys', () => {
  it('keys IPv6 clients by their /64, so rotating addresses within it shares one limit', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:bbbb:cccc:dddd:9'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  });

  it('keys IPv4 and IPv4-mapped IPv6 by the address', () => {
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.notEqual(addressKey('203.0.113.7'), addressKey('203.0.113.8'));
  });
});
