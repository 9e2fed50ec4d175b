import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

describe('config', () => {
  it('runs with no configuration at all: embedded store, demo knowledge base, port 3000', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, undefined);
    assert.match(config.knowledgeBase, /knowledge[/\\]demo\.yaml$/);
    assert.equal(config.defaultLanguage, 'en');
  });

  it('offers suggestions on a miss only with SUGGESTIONS=on', () => {
    assert.equal(loadConfig({}).suggestOnMiss, false);
    assert.equal(loadConfig({ SUGGESTIONS: 'on' }).suggestOnMiss, true);
  });

  it('switches to PostgreSQL with a postgres:// DATABASE_URL', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }).databaseUrl, 'postgres://u@127.0.0.1/db');
  });

  const bad: [string, string][] = [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DEFAULT_LANGUAGE', 'English'],
    ['LOG_LEVEL', 'verbose'],
    ['SUGGESTIONS', 'yes'],
  ];
  for (const [name, value] of bad) {
    it(`stops with one line naming ${name} and the fix for ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(`${name}=`) &&
          /set it|unset it/.test(error.message) &&
          !error.message.includes('\n'),
      );
    });
  }
});
