/**
 * The widget under the web channel's message rate, in a real browser: a 429 shows the visitor the "slow down"
 * notice in their language, and the same message goes out once Retry-After has passed, without retrying early.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Browser } from 'playwright-core';
import { createWebAdapter, type HistoryMessage, type WebAdapter } from '../../adapters/web/web-adapter.js';
import type { Inbound, ReceiveResult } from '../../src/model.js';
import { createTranslator } from '../../src/i18n.js';
import { counterDurationSeconds, createLeaseCounter, type LeaseCounter } from '../../src/limits/lease-counter.js';
import { createMemoryBucketStore } from '../../src/limits/memory-bucket-store.js';
import type { BucketStore } from '../../src/limits/token-bucket.js';
import { createWebLimits } from '../../src/limits/web-limits.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { listenOnLoopback } from '../support/listen-on-loopback.js';
import { eventually } from '../support/eventually.js';

const translator = createTranslator({ defaultLanguage: 'en' });

describe('web widget under the message rate limit in Chromium', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: Server;
  let adapter: WebAdapter;
  let buckets: BucketStore;
  let leases: LeaseCounter;
  let origin: string;
  const received: Inbound[] = [];
  const stored: HistoryMessage[] = [];

  async function receive(inbound: Inbound): Promise<ReceiveResult> {
    received.push(inbound);
    const message = { id: stored.length + 1, author: 'customer' as const, agentName: null, text: inbound.text, createdAt: new Date().toISOString() };
    stored.push(message);
    return { duplicate: false, conversationId: 1, messageId: message.id };
  }

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn('    (skipped: no Chromium at /usr/bin/chromium)');
      this.skip();
    }
    buckets = createMemoryBucketStore();
    leases = createLeaseCounter({ counters: new RateLimiterMemory({ points: 1, duration: counterDurationSeconds(30_000) }), windowMs: 30_000, logger: pino({ level: 'silent' }) });
    // One message per two seconds: the second of two quick messages waits about two seconds.
    const limits = createWebLimits({ buckets, leases, messagesPerVisitor: { limit: 1, periodMs: 2000 }, logger: pino({ level: 'silent' }) });
    adapter = createWebAdapter({
      logger: pino({ level: 'silent' }),
      translator,
      limits,
      history: async (_visitorId, after, limit) => stored.filter((m) => m.id > after).slice(0, limit),
    });
    const app = express();
    app.use(adapter.routes(receive));
    server = createServer(app);
    adapter.attach(server);
    origin = `http://127.0.0.1:${await listenOnLoopback(server)}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await adapter?.close();
    leases?.close();
    await buckets?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('tells a German visitor to slow down, then sends the held message after Retry-After', async () => {
    const german = translator.group('de', 'widget');
    assert.ok(german.slowDown && german.slowDown !== translator.group('en', 'widget').slowDown);
    const page = await browser.newPage({ locale: 'de-DE' });
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/web/messages')) statuses.push(response.status());
    });
    await page.goto(origin);
    await page.getByTestId('sb-open').filter({ hasText: german.title ?? '' }).waitFor();
    await page.getByTestId('sb-open').click();

    await page.getByTestId('sb-input').fill('Wo ist meine Bestellung?');
    await page.getByTestId('sb-input').press('Enter');
    await page.getByTestId('sb-input').fill('Und wann kommt sie an?');
    await page.getByTestId('sb-input').press('Enter');

    const held = page.getByTestId('sb-message').filter({ hasText: 'Und wann kommt sie an?' });
    await held.getByText(german.slowDown).waitFor();
    await page.screenshot({ path: '/tmp/sb-widget-slow-down.png' });

    await eventually(() => received.some((m) => m.text === 'Und wann kommt sie an?'));
    await held.getByText(german.slowDown).waitFor({ state: 'detached' });
    assert.equal(await held.getAttribute('data-id'), '2');
    // One refusal only: the widget waited as long as the server asked instead of retrying on its own schedule.
    assert.deepEqual(statuses, [202, 429, 202]);
    await page.close();
  });
});
