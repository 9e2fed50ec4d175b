/**
 * The web channel's own types: what the widget reads from history and from the socket, and the adapter's
 * options and surface. Shared by the adapter's files; the widget (public/widget.js) mirrors them by hand.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Author, ChannelAdapter } from '../../src/model.js';
import type { Translator } from '../../src/i18n.js';

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

/** Reads a visitor's messages with id greater than `after`, oldest first (empty for an unknown visitor). */
export type HistoryReader = (visitorId: string, after: number) => Promise<HistoryMessage[]>;

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
}

/** The web chat channel: HTTP routes, the widget's static files and a WebSocket per open widget. */
export interface WebAdapter extends ChannelAdapter {
  readonly channel: 'web';
  /** Serves WebSocket upgrades on `/web/socket?visitorId=…` of this HTTP server. */
  attach(server: Server): void;
  /** Stops the heartbeat, closes every socket and detaches from the server. */
  close(): Promise<void>;
}
