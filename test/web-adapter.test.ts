import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { createWebAdapter, type HistoryMessage, type WebAdapter, type WebAdapterOptions } from '../adapters/web/web-adapter.js';
import { preferredLanguageTag, toWebInbound } from '../adapters/web/web-inbound.js';
import { readFileSync } from 'node:fs';
import { createTranslator, matchLanguage } from '../src/i18n.js';
import { projectPath } from '../src/paths.js';
import type { Inbound, Outbound, ReceiveResult } from '../src/model.js';
import { listenOnLoopback } from './support/listen-on-loopback.js';

const VISITOR = 'visitor_0001';
const OTHER_VISITOR = 'visitor_0002';

/** A stand-in for the engine's receive: records calls and dedupes by externalId like the store does. */
function recordingReceive() {
  const calls: Inbound[] = [];
  const ids = new Map<string, number>();
  let fail: Error | undefined;
  const receive = async (inbound: Inbound): Promise<ReceiveResult> => {
    calls.push(inbound);
    if (fail) throw fail;
    const known = ids.get(inbound.externalId);
    if (known !== undefined) return { duplicate: true, conversationId: 1, messageId: known };
    const messageId = 100 + ids.size;
    ids.set(inbound.externalId, messageId);
    return { duplicate: false, conversationId: 1, messageId };
  };
  return { receive, calls, failWith: (error: Error) => (fail = error) };
}

interface Harness {
  url: string;
  adapter: WebAdapter;
  calls: Inbound[];
  historyCalls: [string, number][];
  failWith(error: Error): void;
  stop(): Promise<void>;
}

/** Real locales: the widget strings come from locales/<lng>/translation.json through i18next. */
const translator = createTranslator({ defaultLanguage: 'en' });

/** The `widget` texts of a locale file, read directly so the endpoint is checked against the source. */
function widgetTextsOf(language: string): Record<string, string> {
  const parsed = JSON.parse(readFileSync(projectPath('locales', language, 'translation.json'), 'utf8')) as { widget: Record<string, string> };
  return parsed.widget;
}

const HISTORY: HistoryMessage[] = [
  { id: 1, author: 'customer', agentName: null, text: 'hi', createdAt: '2025-01-01T10:00:00.000Z' },
  { id: 2, author: 'bot', agentName: null, text: 'Hello!', createdAt: '2025-01-01T10:00:01.000Z' },
];

async function startHarness(options: Partial<WebAdapterOptions> = {}): Promise<Harness> {
  const historyCalls: [string, number][] = [];
  const adapter = createWebAdapter({
    logger: pino({ level: 'silent' }),
    translator,
    history: async (visitorId, after) => {
      historyCalls.push([visitorId, after]);
      if (visitorId === 'broken_history') throw new Error('database is down');
      return HISTORY.filter((m) => m.id > after);
    },
    ...options,
  });
  const { receive, calls, failWith } = recordingReceive();
  const app = express();
  app.use(adapter.routes(receive));
  const server: Server = createServer(app);
  adapter.attach(server);
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    adapter,
    calls,
    historyCalls,
    failWith,
    async stop() {
      await adapter.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function postMessage(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/web/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function outbound(to: string, messageId: number, extra: Partial<Outbound> = {}): Outbound {
  return { to: { channel: 'web', id: to }, text: 'Shipping takes 3-5 business days.', author: 'bot', messageId, conversationId: 1, ...extra };
}

/** Opens a socket and collects what it receives. */
async function openSocket(url: string, visitorId: string, options: { autoPong?: boolean } = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/web/socket?visitorId=${visitorId}`, options);
  const received: unknown[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await once(ws, 'open');
  return { ws, received };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('web adapter', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  describe('POST /web/messages', () => {
    it('acks 202 and hands the mapped Inbound to receive', async () => {
      const before = Date.now();
      const res = await postMessage(h.url, { visitorId: VISITOR, clientMessageId: 'msg_000001', text: '  how long does shipping take?  ', locale: 'lv' });
      assert.equal(res.status, 202);
      assert.deepEqual(await res.json(), { messageId: 100, duplicate: false });
      assert.equal(h.calls.length, 1);
      const [inbound] = h.calls;
      assert.ok(inbound);
      assert.deepEqual({ ...inbound, receivedAt: undefined }, {
        externalId: `${VISITOR}:msg_000001`,
        from: { channel: 'web', id: VISITOR },
        text: 'how long does shipping take?',
        hints: { locale: 'lv' },
        receivedAt: undefined,
      });
      assert.ok(inbound.receivedAt.getTime() >= before && inbound.receivedAt.getTime() <= Date.now());
    });

    it('takes the locale hint from Accept-Language when the body has none', async () => {
      const res = await postMessage(h.url, { visitorId: VISITOR, clientMessageId: 'msg_000002', text: 'hola' }, { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' });
      assert.equal(res.status, 202);
      assert.deepEqual(h.calls[0]?.hints, { locale: 'es-ES' });
    });

    it('passes the duplicate result through for a repeated clientMessageId', async () => {
      const body = { visitorId: VISITOR, clientMessageId: 'msg_000003', text: 'hello' };
      const first = await postMessage(h.url, body);
      const second = await postMessage(h.url, body);
      assert.deepEqual(await first.json(), { messageId: 100, duplicate: false });
      assert.equal(second.status, 202);
      assert.deepEqual(await second.json(), { messageId: 100, duplicate: true });
      assert.equal(h.calls.length, 2);
      assert.equal(h.calls[0]?.externalId, h.calls[1]?.externalId);
    });

    const valid = { visitorId: VISITOR, clientMessageId: 'msg_000004', text: 'hello' };
    const badInputs: [string, unknown, RegExp][] = [
      ['empty text', { ...valid, text: '   ' }, /^text must not be empty$/],
      ['too long text', { ...valid, text: 'x'.repeat(2001) }, /^text must be at most 2000 characters$/],
      ['a bad visitorId', { ...valid, visitorId: 'no spaces allowed' }, /^visitorId must be 8-64 characters/],
      ['a short clientMessageId', { ...valid, clientMessageId: 'abc' }, /^clientMessageId must be 8-64 characters/],
      ['malformed JSON', '{"visitorId": "visitor_0001", ', /^body must be valid JSON$/],
      ['a missing visitorId', { clientMessageId: 'msg_000004', text: 'hi' }, /^visitorId is required$/],
      ['a missing clientMessageId', { visitorId: VISITOR, text: 'hi' }, /^clientMessageId is required$/],
      ['a missing text', { visitorId: VISITOR, clientMessageId: 'msg_000004' }, /^text is required$/],
      ['a numeric text', { ...valid, text: 42 }, /^text must be a string$/],
      ['a bad locale', { ...valid, locale: 'en_US; drop table' }, /^locale must be a language tag/],
      ['an array body', [valid], /^body must be a JSON object$/],
    ];
    for (const [name, body, reason] of badInputs) {
      it(`answers 400 naming the field for ${name}, without calling receive`, async () => {
        const res = await postMessage(h.url, body);
        assert.equal(res.status, 400);
        const { error } = (await res.json()) as { error: string };
        assert.match(error, reason);
        assert.equal(h.calls.length, 0);
      });
    }

    it('answers 400 for a body that is not JSON at all', async () => {
      const res = await fetch(`${h.url}/web/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, /body must be a JSON object/);
      assert.equal(h.calls.length, 0);
    });

    it('honours a smaller maxTextLength', async () => {
      const small = await startHarness({ maxTextLength: 5 });
      try {
        const res = await postMessage(small.url, { ...valid, text: 'too long' });
        assert.equal(res.status, 400);
        assert.deepEqual(await res.json(), { error: 'text must be at most 5 characters' });
      } finally {
        await small.stop();
      }
    });

    it('answers 500 with a generic message when receive fails', async () => {
      h.failWith(new Error('SQLITE_BUSY: secret internals'));
      const res = await postMessage(h.url, valid);
      assert.equal(res.status, 500);
      const { error } = (await res.json()) as { error: string };
      assert.doesNotMatch(error, /SQLITE|secret/);
    });

    it('answers a CORS preflight so the widget can be embedded on another site', async () => {
      const res = await fetch(`${h.url}/web/messages`, {
        method: 'OPTIONS',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.match(res.headers.get('access-control-allow-headers') ?? '', /content-type/i);
    });
  });

  describe('GET /web/history', () => {
    it('returns the visitor messages after the given id, from 0 by default', async () => {
      const all = await fetch(`${h.url}/web/history?visitorId=${VISITOR}`);
      assert.equal(all.status, 200);
      assert.deepEqual(await all.json(), { messages: HISTORY, next: null });
      const later = await fetch(`${h.url}/web/history?visitorId=${VISITOR}&after=1`);
      assert.deepEqual(await later.json(), { messages: [HISTORY[1]], next: null });
      assert.deepEqual(h.historyCalls, [[VISITOR, 0], [VISITOR, 1]]);
    });

    const badQueries: [string, string, RegExp][] = [
      ['a missing visitorId', '', /^visitorId is required$/],
      ['a bad visitorId', '?visitorId=../../etc', /^visitorId must be/],
      ['a non-numeric after', `?visitorId=${VISITOR}&after=abc`, /^after must be a number$/],
      ['a negative after', `?visitorId=${VISITOR}&after=-1`, /^after must not be negative$/],
    ];
    for (const [name, query, reason] of badQueries) {
      it(`answers 400 for ${name}`, async () => {
        const res = await fetch(`${h.url}/web/history${query}`);
        assert.equal(res.status, 400);
        assert.match(((await res.json()) as { error: string }).error, reason);
        assert.equal(h.historyCalls.length, 0);
      });
    }

    it('answers 500 with a generic message when history fails', async () => {
      const res = await fetch(`${h.url}/web/history?visitorId=broken_history`);
      assert.equal(res.status, 500);
      assert.doesNotMatch(((await res.json()) as { error: string }).error, /database/);
    });
  });

  describe('GET /web/strings', () => {
    async function strings(query: string, headers: Record<string, string> = {}, url = h.url) {
      const res = await fetch(`${url}/web/strings${query}`, { headers });
      return { res, body: (await res.json()) as { language?: string; strings?: Record<string, string>; error?: string } };
    }

    it('answers the widget texts of the locale in Arabic, every key present', async () => {
      const { res, body } = await strings('?lang=ar');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(body.language, 'ar');
      assert.deepEqual(body.strings, widgetTextsOf('ar'));
      assert.deepEqual(Object.keys(body.strings ?? {}).sort(), Object.keys(widgetTextsOf('en')).sort());
    });

    for (const [tag, language] of [
      ['pt-BR', 'pt'],
      ['de-AT', 'de'],
      ['zh-Hant-TW', 'zh'],
      ['nn-NO', 'nb'],
      ['no', 'nb'],
      ['LV', 'lv'],
      ['ja-JP', 'ja'],
    ] as const) {
      it(`serves ${language} for navigator.language ${tag}`, async () => {
        const { res, body } = await strings(`?lang=${tag}`);
        assert.equal(res.status, 200);
        assert.equal(body.language, language);
        assert.equal(body.strings?.title, widgetTextsOf(language).title);
      });
    }

    it('falls back to the default language for a language that is not served', async () => {
      const { body } = await strings('?lang=he-IL');
      assert.equal(body.language, 'en');
      assert.deepEqual(body.strings, widgetTextsOf('en'));
    });

    it('uses Accept-Language without a lang parameter, and says the answer varies by it', async () => {
      const { res, body } = await strings('', { 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' });
      assert.equal(body.language, 'fr');
      assert.equal(body.strings?.send, widgetTextsOf('fr').send);
      assert.match(res.headers.get('vary') ?? '', /accept-language/i);
    });

    it('answers the default language with neither a lang parameter nor Accept-Language', async () => {
      const { body } = await strings('');
      assert.equal(body.language, 'en');
    });

    it('chooses only among the served languages, falling back to the default language', async () => {
      const restricted = await startHarness({ translator: createTranslator({ defaultLanguage: 'lv' }), languages: ['lv', 'en'] });
      try {
        assert.equal((await strings('?lang=de-DE', {}, restricted.url)).body.language, 'lv');
        assert.equal((await strings('?lang=en-GB', {}, restricted.url)).body.language, 'en');
        assert.equal((await strings('?lang=lv', {}, restricted.url)).body.strings?.title, widgetTextsOf('lv').title);
      } finally {
        await restricted.stop();
      }
    });

    for (const [name, query] of [
      ['a tag that is not a language tag', '?lang=%3Cscript%3E'],
      ['a one-letter tag', '?lang=x'],
      ['a repeated parameter', '?lang=en&lang=de'],
    ] as const) {
      it(`answers 400 naming lang for ${name}`, async () => {
        const { res, body } = await strings(query);
        assert.equal(res.status, 400);
        assert.match(body.error ?? '', /^lang /);
      });
    }
  });

  describe('matchLanguage (pure)', () => {
    const served = ['en', 'lv', 'nb', 'pt', 'zh'];
    it('matches exact tags, then ever shorter prefixes, case-insensitively', () => {
      assert.equal(matchLanguage('lv', served), 'lv');
      assert.equal(matchLanguage('PT-br', served), 'pt');
      assert.equal(matchLanguage('zh-Hans-CN', served), 'zh');
    });
    it('serves Norwegian Nynorsk and the macrolanguage with Bokmål', () => {
      assert.equal(matchLanguage('nn', served), 'nb');
      assert.equal(matchLanguage('no-NO', served), 'nb');
    });
    it('gives undefined for unserved and malformed tags', () => {
      assert.equal(matchLanguage('de-DE', served), undefined);
      assert.equal(matchLanguage('not a tag', served), undefined);
      assert.equal(matchLanguage('', served), undefined);
    });
  });

  describe('static files', () => {
    it('serves the widget script', async () => {
      const res = await fetch(`${h.url}/widget.js`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
      assert.match(await res.text(), /\/web\/socket/);
    });

    it('serves the demo page with exactly one widget script tag', async () => {
      const res = await fetch(`${h.url}/`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const html = await res.text();
      assert.match(html, /Northwind Outfitters/);
      assert.equal(html.match(/<script\b/g)?.length, 1);
      assert.match(html, /<script src="\/widget\.js" defer><\/script>/);
    });
  });

  describe('send and the WebSocket', () => {
    it('pushes to every socket of the addressed visitor and no one else', async () => {
      const a1 = await openSocket(h.url, VISITOR);
      const a2 = await openSocket(h.url, VISITOR);
      const b = await openSocket(h.url, OTHER_VISITOR);
      const result = await h.adapter.send(outbound(VISITOR, 42, { author: 'agent', agentName: 'Anna', text: 'Anna here.' }));
      assert.deepEqual(result, { providerId: 'web:42' });
      await Promise.all([once(a1.ws, 'message'), a2.received.length ? undefined : once(a2.ws, 'message')]);
      await wait(50);
      for (const { received } of [a1, a2]) {
        assert.equal(received.length, 1);
        const push = received[0] as { type: string; message: HistoryMessage };
        assert.equal(push.type, 'message');
        assert.deepEqual({ ...push.message, createdAt: undefined }, { id: 42, author: 'agent', agentName: 'Anna', text: 'Anna here.', createdAt: undefined });
        assert.ok(!Number.isNaN(Date.parse(push.message.createdAt)));
      }
      assert.deepEqual(b.received, []);
      for (const { ws } of [a1, a2, b]) ws.close();
    });

    it('succeeds with no socket open, because the widget reads history on reconnect', async () => {
      assert.deepEqual(await h.adapter.send(outbound(VISITOR, 7)), { providerId: 'web:7' });
    });

    it('stops pushing to a socket once it closed', async () => {
      const a = await openSocket(h.url, VISITOR);
      a.ws.close();
      await once(a.ws, 'close');
      await wait(20);
      assert.deepEqual(await h.adapter.send(outbound(VISITOR, 8)), { providerId: 'web:8' });
      assert.deepEqual(a.received, []);
    });

    for (const [name, path] of [
      ['a bad visitorId', '/web/socket?visitorId=bad id'],
      ['a missing visitorId', '/web/socket'],
    ]) {
      it(`refuses an upgrade with ${name} with 400`, async () => {
        const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`);
        ws.on('error', () => {}); // terminating a refused handshake reports an error we expect
        const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
        assert.equal(response.statusCode, 400);
        ws.terminate();
      });
    }

    it('refuses an upgrade on another path when nobody else handles it', async () => {
      const ws = new WebSocket(`${h.url.replace('http', 'ws')}/elsewhere`);
      ws.on('error', () => {});
      const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      assert.equal(response.statusCode, 404);
      ws.terminate();
    });

    it('close() closes every socket with 1001 going away', async () => {
      const a = await openSocket(h.url, VISITOR);
      const closed = once(a.ws, 'close');
      await h.adapter.close();
      const [code] = (await closed) as [number];
      assert.equal(code, 1001);
    });
  });

  it('terminates a socket that stops answering pings', async () => {
    const fast = await startHarness({ heartbeatIntervalMs: 40 });
    try {
      const alive = await openSocket(fast.url, VISITOR);
      const dead = await openSocket(fast.url, OTHER_VISITOR, { autoPong: false });
      const [code] = (await once(dead.ws, 'close')) as [number];
      assert.equal(code, 1006, 'terminated without a close frame');
      assert.equal(alive.ws.readyState, WebSocket.OPEN);
      alive.ws.close();
    } finally {
      await fast.stop();
    }
  });

  it('rejects a nonsensical maxTextLength at construction', () => {
    assert.throws(() => createWebAdapter({ logger: pino({ level: 'silent' }), translator, history: async () => [], maxTextLength: 0 }), /maxTextLength/);
  });

  it('rejects served languages that leave out the default language', () => {
    assert.throws(() => createWebAdapter({ logger: pino({ level: 'silent' }), translator, languages: ['lv'], history: async () => [] }), /default language en/);
  });
});

describe('toWebInbound (pure mapper)', () => {
  const receivedAt = new Date('2025-03-01T12:00:00Z');
  const body = { visitorId: VISITOR, clientMessageId: 'msg_000001', text: 'Sveiki!' };

  it('keys the message by visitor and client message id', () => {
    assert.deepEqual(toWebInbound({ body, acceptLanguage: undefined, receivedAt }), {
      externalId: `${VISITOR}:msg_000001`,
      from: { channel: 'web', id: VISITOR },
      text: 'Sveiki!',
      receivedAt,
    });
  });

  it('prefers the explicit locale over Accept-Language', () => {
    const inbound = toWebInbound({ body: { ...body, locale: 'lv-LV' }, acceptLanguage: 'de-DE,de;q=0.9', receivedAt });
    assert.deepEqual(inbound.hints, { locale: 'lv-LV' });
  });

  it('falls back to the first Accept-Language tag', () => {
    const inbound = toWebInbound({ body, acceptLanguage: 'fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5', receivedAt });
    assert.deepEqual(inbound.hints, { locale: 'fr-CH' });
  });

  it('reads Accept-Language by q-value and skips wildcards, refusals and junk', () => {
    assert.equal(preferredLanguageTag('en;q=0.5, ar;q=0.9'), 'ar');
    assert.equal(preferredLanguageTag('*, de;q=0.7'), 'de');
    assert.equal(preferredLanguageTag('ru;q=0, es;q=0.3'), 'es');
    assert.equal(preferredLanguageTag('<script>, ;q=1'), undefined);
    assert.equal(preferredLanguageTag(''), undefined);
    assert.equal(preferredLanguageTag(undefined), undefined);
  });
});
