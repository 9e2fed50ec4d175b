/**
 * LANGUAGES limits what the service speaks, everywhere: start-up refuses a DEFAULT_LANGUAGE outside it, and
 * neither replies nor the Bot Framework welcome open in a language it leaves out, whatever the channel hints.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { loadKnowledgeBase } from '../src/engine/knowledge.js';
import { createLanguageDetector } from '../src/engine/language-detector.js';
import { createTranslator } from '../src/i18n.js';
import { projectPath } from '../src/paths.js';
import { startService } from '../src/service.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { answerNow } from './support/answer-now.js';
import { createOutbox } from '../src/outbox/outbox.js';

describe('served languages (LANGUAGES)', () => {
  const translator = createTranslator({ defaultLanguage: 'en' });
  let dir: string;
  let store: Store;
  let engine: Engine;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-served-'));
    store = await openStore({ dataDir: dir });
    await store.migrate();
    engine = createEngine({
      store,
      knowledge: loadKnowledgeBase(projectPath('knowledge', 'demo.yaml')),
      translator,
      defaultLanguage: 'en',
      logger: pino({ level: 'silent' }),
      outbox: createOutbox(store),
      // LANGUAGES=en,lv: German, Russian and Spanish have locales but are not served.
      detector: await createLanguageDetector({ languages: ['en', 'lv'] }),
    });
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start when DEFAULT_LANGUAGE is not served, naming both variables', async () => {
    await assert.rejects(
      startService(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', LANGUAGES: 'lv,ru', DEFAULT_LANGUAGE: 'en' })),
      (error: Error) => /DEFAULT_LANGUAGE=en is not served/.test(error.message) && /LANGUAGES/.test(error.message),
    );
  });

  it('welcomes a Bot Framework customer in a served locale, and in the default for one that is not served', async () => {
    const welcome = async (id: string, locale: string) => {
      const { conversationId } = await engine.welcome({ channel: 'botframework', id }, { locale });
      const [disclosure] = await store.listMessages(conversationId);
      return { conversation: await store.getConversation(conversationId), text: disclosure?.text };
    };
    const latvian = await welcome('served-lv', 'lv-LV');
    assert.equal(latvian.text, translator.t('lv', 'disclosure'));
    assert.equal(latvian.conversation?.language, 'lv');
    const german = await welcome('served-de', 'de-DE');
    assert.equal(german.text, translator.t('en', 'disclosure'));
    assert.equal(german.conversation?.language, 'en');
  });

  it('answers a message in an unserved language in a served one, even with a matching locale', async () => {
    const { conversationId } = await answerNow(store, engine, {
      externalId: 'served-ru-1',
      from: { channel: 'web', id: 'served-ru' },
      text: 'где мой заказ? я жду уже неделю',
      hints: { locale: 'ru-RU' },
      receivedAt: new Date(),
    });
    const conversation = await store.getConversation(conversationId);
    assert.ok(conversation && ['en', 'lv'].includes(conversation.language), conversation?.language);
    const [, disclosure] = await store.listMessages(conversationId);
    assert.equal(disclosure?.text, translator.t(conversation.language, 'disclosure'));
  });
});
