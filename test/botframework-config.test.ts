import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const APP_ID = '00000000-0000-0000-0000-000000000001';

describe('Bot Framework configuration', () => {
  it('is off unless an app id or anonymous development mode is set', () => {
    assert.equal(loadConfig({}).botFramework, undefined);
    assert.deepEqual(loadConfig({ BOTFRAMEWORK_ANONYMOUS: 'true' }).botFramework, { anonymous: true });
  });

  it('reads a MultiTenant, SingleTenant and managed-identity app', () => {
    assert.deepEqual(loadConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 's3cret' }).botFramework, {
      anonymous: false,
      appId: APP_ID,
      appPassword: 's3cret',
      tenantId: undefined,
      appType: 'MultiTenant',
    });
    const single = loadConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 's3cret', MICROSOFT_APP_TENANT_ID: 'tenant', MICROSOFT_APP_TYPE: 'SingleTenant' });
    assert.equal(single.botFramework && !single.botFramework.anonymous && single.botFramework.tenantId, 'tenant');
    const msi = loadConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TENANT_ID: 'tenant', MICROSOFT_APP_TYPE: 'UserAssignedMSI' });
    assert.equal(msi.botFramework && !msi.botFramework.anonymous && msi.botFramework.appType, 'UserAssignedMSI');
  });

  const partial: [string, NodeJS.ProcessEnv, RegExp][] = [
    ['a password without an app id', { MICROSOFT_APP_PASSWORD: 's3cret' }, /^MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not/],
    ['an app id without a password', { MICROSOFT_APP_ID: APP_ID }, /^MICROSOFT_APP_PASSWORD is missing for MICROSOFT_APP_TYPE=MultiTenant/],
    ['SingleTenant without a tenant', { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 's', MICROSOFT_APP_TYPE: 'SingleTenant' }, /^MICROSOFT_APP_TENANT_ID is missing/],
    ['a managed identity with a password', { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 's', MICROSOFT_APP_TENANT_ID: 't', MICROSOFT_APP_TYPE: 'UserAssignedMSI' }, /must not be set/],
    ['anonymous mode next to an app id', { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 's', BOTFRAMEWORK_ANONYMOUS: 'true' }, /conflicts with MICROSOFT_APP_ID/],
    ['an unknown app type', { MICROSOFT_APP_TYPE: 'Personal' }, /^MICROSOFT_APP_TYPE="Personal" is invalid/],
  ];
  for (const [what, env, message] of partial) {
    it(`stops start-up on ${what}, naming the variable`, () => {
      assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    });
  }
});
