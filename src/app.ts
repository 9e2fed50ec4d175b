/** The express app: each enabled channel's routes, plus health, readiness and metrics. */
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Store } from './store/store.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { TrustProxy } from './config.js';
import { bodyParserErrorType, httpStatusOf } from './errors.js';
import { redactPii } from './engine/pii.js';

export interface AppOptions {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** Routers of the enabled channels and of the staff desk, mounted at the root in this order. */
  routers: Router[];
  /**
   * Express's `trust proxy` (TRUST_PROXY): which X-Forwarded-For hops to believe for `req.ip`. Default false: the
   * socket's address, so no client can put another address into the logs or the per-IP limits.
   */
  trustProxy?: TrustProxy;
}

export function createApp(options: AppOptions): Express {
  const { store, logger, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'store unreachable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.render());
  });

  for (const router of options.routers) app.use(router);

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const status = bodyParserErrorType(error) === 'entity.parse.failed' ? 400 : httpStatusOf(error);
    // Paths can carry a customer's address (/admin/customers/sms/%2B1555…): numbers and e-mails are masked.
    if (status >= 500) logger.error({ err: error, path: redactPii(req.path).text }, 'request failed');
    res.status(status).json({ error: status >= 500 ? 'internal error' : error instanceof Error ? error.message : 'bad request' });
  };
  app.use(onError);
  return app;
}
