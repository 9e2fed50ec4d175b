/**
 * The composition root: builds every part from the config, wires them together, and stops them in order.
 * Nothing else creates long-lived objects.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { Channel, ChannelAdapter, Receive } from './model.js';
import { ConfigError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { createTranslator } from './i18n.js';
import { Metrics } from './metrics.js';
import { createApp } from './app.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { loadKnowledgeBase } from './engine/knowledge.js';
import { createEngine } from './engine/engine.js';
import { createOutboxWorker } from './outbox/outbox-worker.js';
import { createWebAdapter } from '../adapters/web/web-adapter.js';
import type { HistoryMessage } from '../adapters/web/types.js';

export interface RunningService {
  url: string;
  port: number;
  store: Store;
  logger: Logger;
  /** Stops accepting requests, finishes the messages in progress, drains the outbox worker, closes the store. */
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export async function startService(config: Config, options: { logger?: Logger } = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const translator = createTranslator({ defaultLanguage: config.defaultLanguage });
  if (!translator.languages.includes(config.defaultLanguage)) {
    throw new ConfigError(
      `DEFAULT_LANGUAGE=${config.defaultLanguage} has no locales/${config.defaultLanguage}/translation.json: set it to one of ${translator.languages.join(', ')}`,
    );
  }
  const knowledge = loadKnowledgeBase(config.knowledgeBase, { defaultLanguage: config.defaultLanguage });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await store.migrate();
  const metrics = new Metrics();

  const web = createWebAdapter({
    logger,
    history: async (visitorId, after): Promise<HistoryMessage[]> => {
      const customer = await store.findCustomer('web', visitorId);
      if (!customer) return [];
      const messages = await store.listCustomerMessages(customer.id, { after });
      return messages.map((m) => ({
        id: m.id,
        author: m.author,
        agentName: m.agentName,
        text: m.text,
        createdAt: m.createdAt.toISOString(),
      }));
    },
  });
  const adapters = new Map<Channel, ChannelAdapter>([[web.channel, web]]);

  const outbox = createOutboxWorker({ store, adapters, logger });
  const engine = createEngine({
    store,
    knowledge,
    translator,
    defaultLanguage: config.defaultLanguage,
    logger,
    onOutboxQueued: () => outbox.wake(),
  });
  const receive: Receive = async (inbound) => {
    const result = await engine.receive(inbound);
    metrics.increment(result.duplicate ? 'inbound_duplicates_total' : 'inbound_messages_total', 'Inbound customer messages');
    return result;
  };

  const app = createApp({ store, logger, metrics, routers: [...adapters.values()].map((a) => a.routes(receive)) });
  const server = createServer(app);
  web.attach(server);
  const port = await listen(server, config.port);
  outbox.start();
  logger.info({ port, store: config.databaseUrl ? 'postgresql' : 'sqlite', channels: [...adapters.keys()] }, 'switchboard listening');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    logger,
    async stop() {
      const closing = closeServer(server);
      await web.close();
      await closing;
      await engine.idle();
      await outbox.stop();
      await store.close();
      logger.info('switchboard stopped');
    },
  };
}
