/** The express app: each enabled channel's routes, plus health, readiness and metrics. */
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Store } from './store/store.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { bodyParserErrorType, httpStatusOf } from './errors.js';

export interface AppOptions {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** Routers of the enabled channels and of the staff desk, mounted at the root in this order. */
  routers: Router[];
}

export function createApp(options: AppOptions): Express {
  const { store, logger, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

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
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.render());
  });

  for (const router of options.routers) app.use(router);

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const status = bodyParserErrorType(error) === 'entity.parse.failed' ? 400 : httpStatusOf(error);
    if (status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    res.status(status).json({ error: status >= 500 ? 'internal error' : error instanceof Error ? error.message : 'bad request' });
  };
  app.use(onError);
  return app;
}
