/**
 * The widget in a real browser against the web adapter alone, with a tiny in-memory conversation behind it:
 * embedding from another origin, rendering and labels, idempotent retries, and history after a dropped socket.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { createWebAdapter, type HistoryMessage, type WebAdapter } from '../../adapters/web/web-adapter.js';
import type { Inbound, ReceiveResult } from '../../src/model.js';
import { createTranslator } from '../../src/i18n.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

/** In-memory stand-in for engine + store + outbox: stores the customer message, then "replies" via send. */
function createBackend(adapter: () => WebAdapter) {
  const messages = new Map<string, HistoryMessage[]>();
  const byExternalId = new Map<string, number>();
  const received: Inbound[] = [];
  let nextId = 1;

  function append(visitorId: string, message: Omit<HistoryMessage, 'id' | 'createdAt'>): HistoryMessage {
    const stored = { ...message, id: nextId++, createdAt: new Date().toISOString() };
    messages.set(visitorId, [...(messages.get(visitorId) ?? []), stored]);
    return stored;
  }

  async function deliver(visitorId: string, message: Omit<HistoryMessage, 'id' | 'createdAt'>): Promise<void> {
    const stored = append(visitorId, message);
    const author = stored.author === 'customer' ? 'system' : stored.author;
    await adapter().send({
      to: { channel: 'web', id: visitorId },
      text: stored.text,
      author,
      ...(stored.agentName ? { agentName: stored.agentName } : {}),
      messageId: stored.id,
      conversationId: 1,
    });
  }

  async function receive(inbound: Inbound): Promise<ReceiveResult> {
    received.push(inbound);
    const known = byExternalId.get(inbound.externalId);
    if (known !== undefined) return { duplicate: true, conversationId: 1, messageId: known };
    const stored = append(inbound.from.id, { author: 'customer', agentName: null, text: inbound.text });
    byExternalId.set(inbound.externalId, stored.id);
    setTimeout(() => void deliver(inbound.from.id, { author: 'bot', agentName: null, text: `You said: ${inbound.text}` }), 20);
    return { duplicate: false, conversationId: 1, messageId: stored.id };
  }

  const history = async (visitorId: string, after: number) => (messages.get(visitorId) ?? []).filter((m) => m.id > after);
  return { receive, history, deliver, received, messages };
}

/** The real locales, so the test fails if a locale's `widget` texts or their serving break. */
const translator = createTranslator({ defaultLanguage: 'en' });

describe('web widget in Chromium (adapter only)', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: Server;
  let adapter: WebAdapter;
  let backend: ReturnType<typeof createBackend>;
  let origin: string;
  let shopServer: Server;
  let shopOrigin: string;
  const rawSockets = new Set<Duplex>();

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn('    (skipped: no Chromium at /usr/bin/chromium)');
      this.skip();
    }
    backend = createBackend(() => adapter);
    adapter = createWebAdapter({ logger: pino({ level: 'silent' }), translator, history: backend.history });
    const app = express();
    app.use(adapter.routes(backend.receive));
    server = createServer(app);
    // Seen before the adapter takes the upgrade, so a test can cut the network under a live socket.
    server.prependListener('upgrade', (_req, socket: Duplex) => rawSockets.add(socket));
    adapter.attach(server);
    origin = `http://127.0.0.1:${await listenOnLoopback(server)}`;
    // Another origin (localhost vs 127.0.0.1): both loopback, so Chromium's Private Network Access rules allow it.
    shopServer = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<!doctype html><html><head><title>Shop</title><style>button{background:red!important}</style></head>` +
          `<body><h1>Another shop</h1><script src="${origin}/widget.js" defer></script></body></html>`,
      );
    });
    shopOrigin = `http://localhost:${await listenOnLoopback(shopServer)}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await adapter?.close();
    for (const s of [server, shopServer]) {
      s?.closeAllConnections();
      await new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)));
    }
  });

  /** A page of some other shop embedding the widget from our origin, as a customer would see it. */
  async function openShopPage(locale = 'en-US', prepare?: (page: Page) => Promise<void>): Promise<Page> {
    const page = await browser.newPage({ locale });
    await prepare?.(page);
    await page.goto(shopOrigin);
    return page;
  }

  /** The computed CSS direction of a widget element, inside its shadow root. */
  function directionOf(page: Page, testId: string): Promise<string> {
    return page.getByTestId(testId).evaluate((node) => getComputedStyle(node).direction);
  }

  async function visitorIdOf(page: Page): Promise<string> {
    const id = await page.evaluate(() => localStorage.getItem('switchboard.visitorId'));
    assert.ok(id);
    return id;
  }

  it('sends from another origin, shows labelled replies right-to-left where needed, once each', async () => {
    const page = await openShopPage();
    await page.getByTestId('sb-open').click();
    await page.getByTestId('sb-input').fill('مرحبا، أين طلبي؟');
    await page.getByTestId('sb-input').press('Enter');

    const messages = page.getByTestId('sb-message');
    await messages.filter({ hasText: 'You said: مرحبا' }).waitFor();
    assert.equal(await messages.count(), 2);
    const bot = messages.nth(1);
    assert.equal(await bot.getAttribute('data-author'), 'bot');
    assert.match(await bot.innerText(), /Assistant · AI/);
    assert.equal(await messages.first().getAttribute('data-author'), 'customer');
    const direction = await messages.first().locator('[dir=auto]').evaluate((node) => getComputedStyle(node).direction);
    assert.equal(direction, 'rtl');

    const visitorId = await visitorIdOf(page);
    assert.match(visitorId, /^[A-Za-z0-9_-]{8,64}$/);
    const inbound = backend.received.at(-1);
    assert.equal(inbound?.from.id, visitorId);
    assert.equal(inbound?.hints?.locale, 'en-US');

    await backend.deliver(visitorId, { author: 'agent', agentName: 'Anna', text: 'Anna from the team here.' });
    await messages.filter({ hasText: 'Anna from the team here.' }).waitFor();
    assert.match(await messages.nth(2).innerText(), /Anna · person/);
    await page.screenshot({ path: '/tmp/sb-widget-embedded.png' });
    await page.close();
  });

  it('shows its chrome in Arabic, right to left, for an Arabic browser', async () => {
    const arabic = translator.group('ar', 'widget');
    const page = await openShopPage('ar');
    // The title switches once /web/strings answers; until then the built-in English shows.
    await page.getByTestId('sb-open').filter({ hasText: arabic.title ?? '' }).waitFor();
    await page.getByTestId('sb-open').click();
    assert.equal(await page.getByTestId('sb-title').innerText(), arabic.title);
    assert.equal(await directionOf(page, 'sb-panel'), 'rtl');
    assert.equal(await page.getByTestId('sb-input').getAttribute('placeholder'), arabic.placeholder);
    assert.equal(await page.getByTestId('sb-send').innerText(), arabic.send);

    await page.getByTestId('sb-input').fill('أين طلبي؟');
    await page.getByTestId('sb-input').press('Enter');
    const reply = page.getByTestId('sb-message').filter({ hasText: 'You said: أين طلبي؟' });
    await reply.waitFor();
    assert.match(await reply.innerText(), new RegExp(arabic.assistant ?? 'missing'));
    // The panel mirrors: the customer's own bubble sits on the left, the assistant's on the right.
    const customerBox = await page.getByTestId('sb-message').first().boundingBox();
    const replyBox = await reply.boundingBox();
    assert.ok(customerBox && replyBox && customerBox.x < replyBox.x, `customer ${customerBox?.x}, reply ${replyBox?.x}`);
    await page.screenshot({ path: '/tmp/sb-widget-arabic.png' });
    await page.close();
  });

  it('keeps working with its built-in English chrome when the strings request fails', async () => {
    let refused = 0;
    const page = await openShopPage('de-DE', async (p) => {
      await p.route(`${origin}/web/strings*`, async (route) => {
        refused += 1;
        await route.abort('connectionrefused');
      });
    });
    await page.getByTestId('sb-open').click();
    await page.getByTestId('sb-input').fill('wo ist meine Bestellung?');
    await page.getByTestId('sb-send').click();
    await page.getByTestId('sb-message').filter({ hasText: 'You said: wo ist meine Bestellung?' }).waitFor();
    assert.equal(refused, 1);
    assert.equal(await page.getByTestId('sb-title').innerText(), 'Chat with us');
    assert.equal(await directionOf(page, 'sb-panel'), 'ltr');
    assert.match(await page.getByTestId('sb-message').nth(1).innerText(), /Assistant · AI/);
    await page.close();
  });

  it('relabels messages it rendered before the strings arrived', async () => {
    const german = translator.group('de', 'widget');
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const page = await openShopPage('de-DE', async (p) => {
      // Hold the strings back until a reply is on screen, as on a slow network.
      await p.route(`${origin}/web/strings*`, async (route) => {
        await held;
        await route.continue();
      });
    });
    await page.getByTestId('sb-open').click();
    await page.getByTestId('sb-input').fill('hallo');
    await page.getByTestId('sb-send').click();
    const reply = page.getByTestId('sb-message').filter({ hasText: 'You said: hallo' });
    await reply.waitFor();
    assert.match(await reply.innerText(), /Assistant · AI/);

    release();
    await reply.filter({ hasText: german.assistant ?? 'missing' }).waitFor();
    assert.equal(await page.getByTestId('sb-title').innerText(), german.title);
    assert.equal(await directionOf(page, 'sb-panel'), 'ltr');
    await page.close();
  });

  it('retries a lost POST with the same clientMessageId and shows the message once', async () => {
    const page = await openShopPage();
    let attempts = 0;
    await page.route(`${origin}/web/messages`, async (route) => {
      attempts += 1;
      if (attempts === 1) {
        // The server gets and stores the message, but the answer never reaches the browser.
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await page.getByTestId('sb-open').click();
    const before = backend.received.length;
    await page.getByTestId('sb-input').fill('is my parcel lost?');
    await page.getByTestId('sb-send').click();
    await page.getByTestId('sb-message').filter({ hasText: 'You said: is my parcel lost?' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('#switchboard-chat')?.shadowRoot?.querySelector('[data-pending]'));

    const tries = backend.received.slice(before);
    assert.equal(tries.length, 2);
    assert.equal(tries[0]?.externalId, tries[1]?.externalId);
    assert.equal(await page.getByTestId('sb-message').filter({ hasText: /^(You)?is my parcel lost\?$/ }).count(), 1);
    await page.close();
  });

  it('after a dropped socket, shows what was sent meanwhile from history', async () => {
    const page = await openShopPage();
    await page.getByTestId('sb-open').click();
    const visitorId = await visitorIdOf(page);
    const shown = await page.getByTestId('sb-message').count();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/web/history')));

    for (const socket of rawSockets) socket.destroy();
    rawSockets.clear();
    // Pushed to a socket that is already gone: only history can bring it back.
    await backend.deliver(visitorId, { author: 'agent', agentName: 'Anna', text: 'Still there? Your parcel left today.' });

    await page.getByTestId('sb-message').filter({ hasText: 'Your parcel left today.' }).waitFor();
    assert.equal(await page.getByTestId('sb-message').count(), shown + 1);
    await page.close();
  });
});
