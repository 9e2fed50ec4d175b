/**
 * The whole service in a real browser: the demo page, the widget, the engine answering from the knowledge
 * base through the outbox and the socket, and history surviving a reload.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

type Service = Awaited<ReturnType<typeof startService>>;

/** Waits until the number of rendered messages has not changed for `quietMs`, and returns it. */
async function settledCount(messages: Locator, quietMs = 700): Promise<number> {
  let count = await messages.count();
  for (let since = Date.now(); Date.now() - since < quietMs; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await messages.count();
    if (now !== count) {
      count = now;
      since = Date.now();
    }
  }
  return count;
}

async function transcript(page: Page): Promise<string[]> {
  const messages = page.getByTestId('sb-message');
  return messages.evaluateAll((nodes) =>
    nodes.map((node) => `${node.getAttribute('data-author')}: ${node.querySelector('[data-testid=sb-text]')?.textContent}`),
  );
}

async function openWidget(page: Page): Promise<void> {
  await page.getByTestId('sb-open').click();
  await page.getByTestId('sb-input').waitFor();
}

describe('web chat in Chromium against the whole service', function () {
  this.timeout(60_000);
  let dataDir: string;
  let service: Service | undefined;
  let browser: Browser | undefined;

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn('    (skipped: no Chromium at /usr/bin/chromium)');
      this.skip();
    }
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-web-chat-'));
    service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers from the knowledge base with the AI disclosure, and keeps the history across a reload', async () => {
    assert.ok(browser && service);
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(service.url);
    await page.getByRole('heading', { name: /gear for the long way round/i }).waitFor();
    await openWidget(page);

    await page.getByTestId('sb-input').fill('how long does shipping take?');
    await page.getByTestId('sb-input').press('Enter');

    const botTexts = page.locator('[data-testid=sb-message][data-author=bot] [data-testid=sb-text]');
    await botTexts.filter({ hasText: /automated assistant|\bAI\b/i }).first().waitFor();
    await botTexts.filter({ hasText: /business days/i }).first().waitFor();
    const messages = page.getByTestId('sb-message');
    const count = await settledCount(messages);
    const before = await transcript(page);
    assert.equal(before[0], 'customer: how long does shipping take?');
    await page.screenshot({ path: '/tmp/sb-web-chat.png' });

    await page.reload();
    await openWidget(page);
    await page.waitForFunction(
      (expected) => document.querySelector('#switchboard-chat')?.shadowRoot?.querySelectorAll('[data-testid=sb-message]').length === expected,
      count,
    );
    assert.equal(await settledCount(messages), count);
    assert.deepEqual(await transcript(page), before);

    await page.getByTestId('sb-input').fill('Do you ship to Norway?');
    await page.getByTestId('sb-send').click();
    await messages.nth(count + 1).waitFor();
    await settledCount(messages);
    const after = await transcript(page);
    assert.deepEqual(after.slice(0, count), before);
    assert.equal(after[count], 'customer: Do you ship to Norway?');
    assert.ok(after.slice(count + 1).some((line) => line.startsWith('bot: ')), 'a bot reply after the second question');
    await page.close();
  });
});
