import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

describe('admin API configuration', () => {
  it('is off without ADMIN_TOKEN and on with a long one', () => {
    assert.equal(loadConfig({}).admin, undefined);
    const token = 'x'.repeat(32);
    assert.deepEqual(loadConfig({ ADMIN_TOKEN: token }).admin, { token });
  });

  it('stops start-up on a short token, naming the variable and the fix without echoing the secret', () => {
    const short = 'short-secret-31-characters-long';
    assert.equal(short.length, 31);
    assert.throws(
      () => loadConfig({ ADMIN_TOKEN: short }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /^ADMIN_TOKEN is too short \(31 characters, at least 32 needed\): set it to a random secret/.test(error.message) &&
        /unset it/.test(error.message) &&
        !error.message.includes(short),
    );
  });
});
