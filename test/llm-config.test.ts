import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

describe('LLM configuration', () => {
  it('is off without OPENAI_API_KEY, with AGENT_LANGUAGE defaulting to en', () => {
    const config = loadConfig({});
    assert.equal(config.llm, undefined);
    assert.equal(config.agentLanguage, 'en');
  });

  it('is on with a key, with defaults for model and timeout', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-x', AGENT_LANGUAGE: 'de' });
    assert.deepEqual(config.llm, { apiKey: 'sk-x', baseUrl: undefined, model: 'gpt-4o-mini', embeddingModel: undefined, timeoutMs: 8000 });
    assert.equal(config.agentLanguage, 'de');
    assert.equal(loadConfig({ OPENAI_API_KEY: 'ollama', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama3.1', LLM_TIMEOUT_MS: '3000' }).llm?.timeoutMs, 3000);
  });

  it('stops start-up naming the variable and the fix', () => {
    assert.throws(() => loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }), (e: unknown) => e instanceof ConfigError && /OPENAI_BASE_URL is set but OPENAI_API_KEY is not/.test(e.message));
    assert.throws(() => loadConfig({ OPENAI_API_KEY: 'k', LLM_TIMEOUT_MS: 'soon' }), /LLM_TIMEOUT_MS="soon" is invalid/);
    assert.throws(() => loadConfig({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'ftp://x' }), /OPENAI_BASE_URL="ftp:\/\/x" is invalid/);
    assert.throws(() => loadConfig({ AGENT_LANGUAGE: 'English' }), /AGENT_LANGUAGE="English" is invalid/);
  });

  it('takes an embedding model with the key only, naming the fix otherwise', () => {
    assert.equal(loadConfig({ OPENAI_API_KEY: 'k', OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small' }).llm?.embeddingModel, 'text-embedding-3-small');
    assert.throws(() => loadConfig({ OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small' }), /OPENAI_EMBEDDING_MODEL is set but OPENAI_API_KEY is not/);
    assert.throws(
      () => loadConfig({ OPENAI_API_KEY: 'k', OPENAI_EMBEDDING_MODEL: 'text embedding' }),
      /OPENAI_EMBEDDING_MODEL="text embedding" is invalid \(must be a model name without spaces\): set it to an embedding model the server offers/,
    );
  });
});
