/**
 * Microsoft's own Web Chat (botframework-webchat, dist/webchat.js) in Chromium, talking Direct Line to a local
 * emulator that forwards to the real service's /api/messages, the way Azure Bot Service would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { createTranslator } from '../../src/i18n.js';
import { projectPath } from '../../src/paths.js';
import { startService, type RunningService } from '../../src/service.js';
import { startDirectLineEmulator, type DirectLineEmulator } from '../fakes/direct-line-emulator.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

/** The package's full browser bundle (React included); the package exports no path to it, so by file path. */
const WEBCHAT_BUNDLE = projectPath('node_modules', 'botframework-webchat', 'dist', 'webchat.js');

describe('Bot Framework Web Chat in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let service: RunningService;
  let emulator: DirectLineEmulator;
  let dataDir: string;

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn('    (skipped: no Chromium at /usr/bin/chromium)');
      this.skip();
    }
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-webchat-'));
    service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, BOTFRAMEWORK_ANONYMOUS: 'true', LOG_LEVEL: 'silent' }));
    emulator = await startDirectLineEmulator({ botEndpoint: `${service.url}/api/messages`, webChatBundle: WEBCHAT_BUNDLE });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
    await service?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the disclosure and the answer in the customer language after a question typed into Web Chat', async () => {
    const page = await browser.newPage({ locale: 'es-ES' });
    await page.goto(`${emulator.url}/?locale=es-ES`);
    const sendBox = page.locator('[data-id="webchat-sendbox-input"]');
    await sendBox.fill('¿cuánto tarda el envío?');
    await sendBox.press('Enter');

    const transcript = page.getByRole('log').or(page.locator('.webchat__basic-transcript'));
    await transcript.getByText(/El envío estándar tarda de 2 a 4 días laborables/).first().waitFor();
    const disclosure = createTranslator({ defaultLanguage: 'en' }).t('es', 'disclosure');
    await transcript.getByText(disclosure).first().waitFor();

    // What Web Chat rendered is what went over Direct Line: the question once, the bot's two messages.
    const messages = emulator.transcript().filter((activity) => activity.type === 'message');
    assert.deepEqual(
      messages.map((m) => [m.role, m.text?.slice(0, 24)]),
      [
        ['user', '¿cuánto tarda el envío?'],
        ['bot', disclosure.slice(0, 24)],
        ['bot', 'El envío estándar tarda '],
      ],
    );
    assert.ok(emulator.botResponses.every((status) => status === 200));
    await page.close();
  });
});
