/**
 * The staff insights page in Chromium at 360 px: after real web traffic (an answered and an unanswered question,
 * a satisfaction survey answered with a 5 after half an hour of quiet on a fake clock), a wrong token is refused, the right one signs in with an HttpOnly, SameSite=Strict cookie, the charts are drawn
 * by uPlot from our own origin and the unanswered question is listed by its text. Without ADMIN_TOKEN there is
 * no page at all.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { startService, type RunningService } from '../../src/service.js';
import { createCollectingLogger } from '../support/collecting-logger.js';
import { customerMessages } from '../support/customer-messages.js';
import { eventually } from '../support/eventually.js';
import { postWebMessage } from '../support/web-requests.js';
import { advanceUntil, clockOf, privateFakeClock, type FakeClock } from '../support/fake-clock.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

const TOKEN = 'test-admin-token-0123456789abcdef-0123';
const UNANSWERED = 'what is the airspeed velocity of an unladen swallow?';

describe('insights page in Chromium', function () {
  this.timeout(30_000);
  let browser: Browser;
  let dataDir: string;
  let service: RunningService;
  let clock: FakeClock;

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn('    (skipped: no Chromium at /usr/bin/chromium)');
      this.skip();
    }
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-insights-page-'));
    // The survey sweeper runs on a private fake clock: half an hour of quiet passes in a moment.
    clock = privateFakeClock(Date.now());
    service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, LANGUAGES: 'en', ADMIN_TOKEN: TOKEN }), { logger: createCollectingLogger().logger, clock: clockOf(clock) });
    for (const [visitorId, text] of [['visitor-page-0001', 'how long does shipping take?'], ['visitor-page-0002', UNANSWERED]] as const) {
      assert.equal((await postWebMessage(service.url, { visitorId, clientMessageId: `msg_${visitorId}_01`, text })).status, 202);
      await eventually(async () => (await customerMessages(service.store, 'web', visitorId)).some((m) => m.direction === 'out'));
    }
    // Both are asked how we did; the first answers with a 5.
    const asked = async (visitorId: string) => (await customerMessages(service.store, 'web', visitorId)).some((m) => m.author === 'system');
    await advanceUntil(clock, async () => (await asked('visitor-page-0001')) && asked('visitor-page-0002'), { stepMs: 60_000, maxMs: 40 * 60_000 });
    assert.equal((await postWebMessage(service.url, { visitorId: 'visitor-page-0001', clientMessageId: 'msg_visitor-page-0001_02', text: '5' })).status, 202);
    await eventually(async () => (await customerMessages(service.store, 'web', 'visitor-page-0001')).filter((m) => m.author === 'system').length === 2);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    clock?.uninstall();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in with the token and shows the charts and the unanswered questions, at 360 px', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    const offOrigin: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(service.url)) offOrigin.push(request.url());
    });

    await page.goto(`${service.url}/insights`);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.deepEqual(await context.cookies(), []);

    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Questions the bot could not answer' }).waitFor();
    const [cookie] = await context.cookies();
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');
    assert.equal(cookie?.path, '/insights');

    await page.locator('#chart-conversations canvas').waitFor();
    await page.locator('#chart-resolution canvas').waitFor();
    await page.locator('#table-unanswered td', { hasText: UNANSWERED }).waitFor();
    assert.equal(await page.locator('#table-conversations caption').textContent(), '2 conversations');
    // CSAT of the bot-only conversations: two asked, one answered with a 5.
    assert.deepEqual(await page.locator('#table-csat thead th').allTextContents(), ['Figure', 'Bot only', 'With a person']);
    const botColumn = await page.locator('#table-csat tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(botColumn, ['2', '1', '5.0', '100 %']);
    assert.equal(await page.locator('#insights').getAttribute('aria-busy'), 'false');
    // Nothing wider than the phone's screen, and nothing fetched from anywhere else.
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360);
    assert.deepEqual(offOrigin, []);
    await page.screenshot({ path: '/tmp/sb-insights.png', fullPage: true });
    await context.close();
  });

  it('speaks the staff language: the page and the figures drawn in German with AGENT_LANGUAGE=de', async () => {
    const germanDir = await mkdtemp(join(tmpdir(), 'switchboard-insights-de-'));
    const german = await startService(loadConfig({ PORT: '0', DATA_DIR: germanDir, LANGUAGES: 'en', ADMIN_TOKEN: TOKEN, AGENT_LANGUAGE: 'de' }), { logger: createCollectingLogger().logger });
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${german.url}/insights`);
      await page.getByLabel('Admin-Token').fill(TOKEN);
      await page.getByRole('button', { name: 'Anmelden' }).click();
      await page.getByRole('heading', { name: 'Kundenzufriedenheit' }).waitFor();
      await page.locator('#table-csat th', { hasText: 'Nur Bot' }).waitFor();
      assert.equal(await page.locator('#table-conversations caption').textContent(), '0 Gespräche');
      assert.equal(await page.locator('#table-unanswered td').textContent(), 'Keine in diesem Zeitraum.');
    } finally {
      await context.close();
      await german.stop();
      await rm(germanDir, { recursive: true, force: true });
    }
  });

  it('gives the figures only to a signed-in session', async () => {
    assert.equal((await fetch(`${service.url}/insights/data`)).status, 401);
    const forged = await fetch(`${service.url}/insights/data`, { headers: { cookie: `switchboard_insights=${Date.now() + 60_000}.AAAA` } });
    assert.equal(forged.status, 401);
  });

  it('does not exist without ADMIN_TOKEN', async () => {
    const plainDir = await mkdtemp(join(tmpdir(), 'switchboard-insights-off-'));
    const plain = await startService(loadConfig({ PORT: '0', DATA_DIR: plainDir, LANGUAGES: 'en' }), { logger: createCollectingLogger().logger });
    try {
      assert.equal((await fetch(`${plain.url}/insights`)).status, 404);
      assert.equal((await fetch(`${plain.url}/insights/assets/uPlot.iife.min.js`)).status, 404);
    } finally {
      await plain.stop();
      await rm(plainDir, { recursive: true, force: true });
    }
  });
});
