/**
 * The web chat channel: composes the HTTP routes and the visitor sockets into a {@link WebAdapter}.
 * Delivery is a push to the visitor's open sockets; the message is already stored, and the widget reads
 * history after every (re)connect, so a visitor with no socket open loses nothing.
 */
import type { Outbound, Receive } from '../../src/model.js';
import { projectPath } from '../../src/paths.js';
import { createWebRouter } from './web-routes.js';
import { createVisitorSockets } from './web-sockets.js';
import { clientAddressOf } from './client-address.js';
import type { HistoryMessage, WebAdapter, WebAdapterOptions } from './types.js';

export type { HistoryMessage, HistoryPage, HistoryReader, WebAdapter, WebAdapterOptions, WebPush } from './types.js';

const DEFAULTS = { maxTextLength: 2000, heartbeatIntervalMs: 30_000 };

/**
 * Builds the web channel. Mount `routes(receive)` on the app and call `attach(server)` once the HTTP server
 * exists; `close()` before closing the server so open sockets do not hold it up.
 */
export function createWebAdapter(options: WebAdapterOptions): WebAdapter {
  const maxTextLength = options.maxTextLength ?? DEFAULTS.maxTextLength;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs;
  if (!Number.isInteger(maxTextLength) || maxTextLength < 1) {
    throw new RangeError(`maxTextLength must be a positive integer, got ${maxTextLength}`);
  }
  if (!(heartbeatIntervalMs > 0)) {
    throw new RangeError(`heartbeatIntervalMs must be positive, got ${heartbeatIntervalMs}`);
  }
  const logger = options.logger.child({ channel: 'web' });
  const clientAddress = clientAddressOf(options.trustProxy);
  const sockets = createVisitorSockets({ logger, heartbeatIntervalMs, limits: options.limits, clientAddress });
  const publicDir = projectPath('adapters', 'web', 'public');
  const languages = options.languages ?? options.translator.languages;
  if (!languages.includes(options.translator.defaultLanguage)) {
    throw new RangeError(`languages must include the default language ${options.translator.defaultLanguage}, got ${languages.join(', ')}`);
  }

  return {
    channel: 'web',

    routes(receive: Receive) {
      return createWebRouter({
        receive, history: options.history, logger, maxTextLength, publicDir, translator: options.translator, languages, limits: options.limits, clientAddress,
      });
    },

    async send(outbound: Outbound) {
      const message: HistoryMessage = {
        id: outbound.messageId,
        author: outbound.author,
        agentName: outbound.agentName ?? null,
        text: outbound.text,
        createdAt: new Date().toISOString(),
      };
      const delivered = sockets.push(outbound.to.id, { type: 'message', message });
      logger.debug({ messageId: outbound.messageId, delivered }, 'web message pushed');
      return { providerId: `web:${outbound.messageId}` };
    },

    attach: (server) => sockets.attach(server),
    close: () => sockets.close(),
  };
}
