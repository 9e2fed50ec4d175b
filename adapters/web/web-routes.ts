/**
 * The web channel's HTTP surface: the widget's API calls and its static files. Validates, maps through
 * the pure {@link toWebInbound}, hands to `receive`, acks; replies travel through the outbox and the socket.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Receive } from '../../src/model.js';
import type { Translator } from '../../src/i18n.js';
import { allowAnyOrigin } from './web-cors.js';
import { preferredLanguageTag, toWebInbound } from './web-inbound.js';
import { historyQuerySchema, messageBodySchema, parseOrReason, stringsQuerySchema } from './web-schemas.js';
import { widgetStringsFor } from './web-strings.js';
import type { HistoryPage, HistoryReader } from './types.js';
import type { WebLimits } from '../../src/limits/web-limits.js';
import { bodyParserErrorType } from '../../src/errors.js';

/** Dependencies of the web routes; the adapter fills them from its own options. */
export interface WebRoutesOptions {
  receive: Receive;
  history: HistoryReader;
  logger: Logger;
  maxTextLength: number;
  translator: Translator;
  /** Served languages the widget's texts are chosen among. */
  languages: readonly string[];
  /** Folder holding widget.js and index.html. */
  publicDir: string;
  /** Message rates; none when absent. */
  limits?: WebLimits | undefined;
  /** Names the request's client address, the key of per-address limits. */
  clientAddress: (request: Request) => string;
  now?: () => Date;
}

/** Generous for a 2000-character text in any script (≤ 4 bytes a character) plus the ids. */
const BODY_LIMIT = '64kb';

/** `POST /web/messages`, `GET /web/history`, `GET /web/strings`, `GET /widget.js` and the demo page at `GET /`. */
export function createWebRouter(options: WebRoutesOptions): Router {
  const { receive, history, logger, publicDir, now = () => new Date() } = options;
  const bodySchema = messageBodySchema(options.maxTextLength);
  const router = express.Router();

  router.use('/web', allowAnyOrigin);

  router.post('/web/messages', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const parsed = parseOrReason(bodySchema, req.body);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.reason });
      return;
    }
    const admission = await options.limits?.admitMessage(parsed.value.visitorId, options.clientAddress(req));
    if (admission && !admission.ok) {
      // RFC 9110 §10.2.3: whole seconds; the widget waits that long and sends the same message again.
      const retryAfter = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
      res.set('Retry-After', String(retryAfter));
      res.status(429).json({ error: `too many messages from this ${admission.scope}; retry after ${retryAfter} s`, retryAfter });
      return;
    }
    const inbound = toWebInbound({ body: parsed.value, acceptLanguage: req.get('accept-language'), receivedAt: now() });
    try {
      const result = await receive(inbound);
      res.status(202).json({ messageId: result.messageId, duplicate: result.duplicate });
    } catch (error) {
      logger.error({ err: error, externalId: inbound.externalId }, 'web message could not be received');
      res.status(500).json({ error: 'the message could not be accepted; please retry' });
    }
  });

  router.get('/web/history', async (req, res) => {
    const parsed = parseOrReason(historyQuerySchema, req.query);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.reason });
      return;
    }
    try {
      const { visitorId, after, limit } = parsed.value;
      // One more than the page tells whether another page follows without a count query.
      const read = await history(visitorId, after, limit + 1);
      const messages = read.slice(0, limit);
      const page: HistoryPage = { messages, next: read.length > limit ? (messages.at(-1)?.id ?? null) : null };
      res.json(page);
    } catch (error) {
      logger.error({ err: error, visitorId: parsed.value.visitorId }, 'web history could not be read');
      res.status(500).json({ error: 'history is unavailable; please retry' });
    }
  });

  // The widget's chrome in the visitor's language: `lang` is navigator.language, Accept-Language the fallback.
  router.get('/web/strings', (req, res) => {
    const parsed = parseOrReason(stringsQuerySchema, req.query);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.reason });
      return;
    }
    const tag = parsed.value.lang ?? preferredLanguageTag(req.get('accept-language'));
    res.set({ 'Cache-Control': 'no-cache', Vary: 'Accept-Language' });
    res.json(widgetStringsFor(options.translator, options.languages, tag));
  });

  // no-cache still allows ETag revalidation, so embedding sites pick up a new widget on their next load.
  const staticOptions = { root: publicDir, headers: { 'Cache-Control': 'no-cache' } };
  router.get('/widget.js', (_req, res) => res.sendFile('widget.js', staticOptions));
  router.get('/', (_req, res) => res.sendFile('index.html', staticOptions));

  router.use('/web', bodyParserErrors(logger));
  return router;
}

/** Turns body-parser failures (malformed JSON, too large) into JSON answers instead of express's HTML page. */
function bodyParserErrors(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const type = bodyParserErrorType(error);
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: 'body must be valid JSON' });
    } else if (type === 'entity.too.large') {
      res.status(413).json({ error: `body must be at most ${BODY_LIMIT}` });
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json({ error: 'body must be UTF-8 JSON' });
    } else {
      logger.error({ err: error }, 'web request failed');
      res.status(500).json({ error: 'internal error' });
    }
  };
}
