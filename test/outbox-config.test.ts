import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

describe('outbox configuration', () => {
  it('retries for 24 hours with a 10-second limit per send unless told otherwise', () => {
    assert.deepEqual(loadConfig({}).outbox, { retryHours: 24, sendTimeoutMs: 10_000 });
    assert.deepEqual(loadConfig({ OUTBOX_RETRY_HOURS: '72', OUTBOX_SEND_TIMEOUT_MS: '2500' }).outbox, { retryHours: 72, sendTimeoutMs: 2500 });
  });

  const bad: [string, string][] = [
    ['OUTBOX_RETRY_HOURS', '0'],
    ['OUTBOX_RETRY_HOURS', 'a day'],
    ['OUTBOX_RETRY_HOURS', '1000'],
    ['OUTBOX_SEND_TIMEOUT_MS', '50'],
    ['OUTBOX_SEND_TIMEOUT_MS', '1.5'],
  ];
  for (const [name, value] of bad) {
    it(`stops start-up on ${name}=${value}, naming the variable and the fix`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${name}=${JSON.stringify(value)} is invalid`) && error.message.includes(`e.g. ${name}=`),
      );
    });
  }
});
