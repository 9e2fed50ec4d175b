/**
 * The web channel's own types: what the widget reads from history and from the socket, and the adapter's
 * options and surface. Shared by the adapter's files; the widget (public/widget.js) mirrors them by hand.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Author, ChannelAdapter } from '../../src/model.js';
import type { Translator } from '../../src/i18n.js';
import type { WebLimits } from '../../src/limits/web-limits.js';
import type { TrustProxy } from './client-address.js';

/** One message of a visitor's conversation as the widget renders it. */
export interface HistoryMessage {
  /** The stored message id; the widget dedupes and resumes history by it. */
  id: number;
  author: Author;
  agentName: string | null;
  text: string;
  /** ISO 8601. */
  createdAt: string;
}

/** What the server pushes over a visitor's WebSocket. */
export interface WebPush {
  type: 'message';
  message: HistoryMessage;
}

/**
 * Reads a visitor's messages with id greater than `after`, oldest first, at most `limit` of them (empty for an
 * unknown visitor).
 */
export type HistoryReader = (visitorId: string, after: number, limit: number) => Promise<HistoryMessage[]>;

/** What `GET /web/history` answers: one page, and the `after` that reads the next one (null on the last). */
export interface HistoryPage {
  messages: HistoryMessage[];
  next: number | null;
}

/** What {@link WebAdapter} needs; defaults live in `createWebAdapter`. */
export interface WebAdapterOptions {
  history: HistoryReader;
  logger: Logger;
  /** Source of the widget's own interface texts (the `widget` group of each locale). */
  translator: Translator;
  /** Languages the deployment serves; the widget's texts are chosen among them. Default: every locale. */
  languages?: readonly string[];
  /** Longest customer message accepted, in characters. Default 2000. */
  maxTextLength?: number;
  /** How often sockets are pinged; one that missed the previous ping is terminated. Default 30 000 ms. */
  heartbeatIntervalMs?: number;
  /** Message rates and socket counts per visitor, per address and in total. Default: none. */
  limits?: WebLimits;
  /** Which proxies in front may name the client's address (as express's `trust proxy`). Default false. */
  trustProxy?: TrustProxy;
}

/** The web chat channel: HTTP routes, the widget's static files and a WebSocket per open widget. */
export interface WebAdapter extends ChannelAdapter {
  readonly channel: 'web';
  /** Serves WebSocket upgrades on `/web/socket?visitorId=…` of this HTTP server. */
  attach(server: Server): void;
  /** Stops the heartbeat, closes every socket and detaches from the server. */
  close(): Promise<void>;
}
