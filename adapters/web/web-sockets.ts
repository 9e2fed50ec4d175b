/**
 * The open widget sockets, per visitor: accepts upgrades on `/web/socket`, pushes messages, pings to find
 * dead connections. All state lives on the instance so two adapters (e.g. in tests) never share sockets.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { WebPush } from './types.js';
import type { WebLimits } from '../../src/limits/web-limits.js';
import { parseOrReason, socketQuerySchema } from './web-schemas.js';

/** Where the widget opens its socket, with `?visitorId=`. */
export const SOCKET_PATH = '/web/socket';

/** Options of {@link createVisitorSockets}. */
export interface VisitorSocketsOptions {
  logger: Logger;
  heartbeatIntervalMs: number;
  /** Socket counts per visitor, per address and in total; none when absent. */
  limits?: WebLimits | undefined;
  /** Names the upgrade request's client address, the key of per-address limits. */
  clientAddress: (request: IncomingMessage) => string;
}

/** The live sockets of every visitor, on one adapter instance. */
export interface VisitorSockets {
  attach(server: Server): void;
  /** Sends to every open socket of the visitor; returns how many got it. */
  push(visitorId: string, event: WebPush): number;
  close(): Promise<void>;
}

const STATUS_TEXT = { 400: 'Bad Request', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' } as const;

/** How long `close()` waits for a polite close handshake before cutting sockets. */
const CLOSE_GRACE_MS = 1000;

/** Creates an empty set of visitor sockets; nothing listens until `attach`. */
export function createVisitorSockets({ logger, heartbeatIntervalMs, limits, clientAddress }: VisitorSocketsOptions): VisitorSockets {
  // The widget never sends anything, so a tiny payload limit stops abuse of the open socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const byVisitor = new Map<string, Set<WebSocket>>();
  const alive = new WeakMap<WebSocket, boolean>();
  const listeners = new Map<Server, (request: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  let heartbeat: NodeJS.Timeout | undefined;

  function register(visitorId: string, socket: WebSocket): void {
    let sockets = byVisitor.get(visitorId);
    if (!sockets) byVisitor.set(visitorId, (sockets = new Set()));
    sockets.add(socket);
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    socket.on('error', (error) => logger.debug({ err: error, visitorId }, 'web socket error'));
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && byVisitor.get(visitorId) === sockets) byVisitor.delete(visitorId);
    });
  }

  function reject(socket: Duplex, status: keyof typeof STATUS_TEXT, reason: string): void {
    socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n` +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
    socket.destroy();
  }

  /** Holds a lease for the socket until its connection closes, however the handshake ends; false if refused. */
  async function admit(visitorId: string, request: IncomingMessage, socket: Duplex): Promise<boolean> {
    if (!limits) return true;
    const admission = await limits.admitSocket(visitorId, clientAddress(request));
    if (!admission.ok) {
      logger.debug({ scope: admission.scope }, 'web socket refused: too many open');
      reject(socket, 429, `too many open chat connections for this ${admission.scope}`);
      return false;
    }
    if (socket.destroyed) {
      admission.release();
      return false;
    }
    socket.once('close', admission.release);
    return true;
  }

  function onUpgrade(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== SOCKET_PATH) {
      // Another upgrade listener may own this path; only answer when nobody else can.
      if (server.listenerCount('upgrade') === 1) reject(socket, 404, 'no such socket');
      return;
    }
    const parsed = parseOrReason(socketQuerySchema, Object.fromEntries(url.searchParams));
    if (!parsed.ok) return reject(socket, 400, parsed.reason);
    const { visitorId } = parsed.value;
    admit(visitorId, request, socket).then(
      (admitted) => {
        if (admitted) wss.handleUpgrade(request, socket, head, (ws) => register(visitorId, ws));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'web socket could not be admitted');
        reject(socket, 500, 'internal error');
      },
    );
  }

  function ping(): void {
    for (const sockets of byVisitor.values()) {
      for (const socket of sockets) {
        if (alive.get(socket) === false) {
          socket.terminate();
          continue;
        }
        alive.set(socket, false);
        socket.ping();
      }
    }
  }

  return {
    attach(server) {
      if (listeners.has(server)) return;
      const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
        onUpgrade(server, request, socket, head);
      listeners.set(server, listener);
      server.on('upgrade', listener);
      if (!heartbeat) {
        heartbeat = setInterval(ping, heartbeatIntervalMs);
        heartbeat.unref();
      }
    },

    push(visitorId, event) {
      const data = JSON.stringify(event);
      let delivered = 0;
      for (const socket of byVisitor.get(visitorId) ?? []) {
        if (socket.readyState !== WebSocket.OPEN) continue;
        socket.send(data);
        delivered += 1;
      }
      return delivered;
    },

    async close() {
      clearInterval(heartbeat);
      heartbeat = undefined;
      for (const [server, listener] of listeners) server.off('upgrade', listener);
      listeners.clear();
      const sockets = [...byVisitor.values()].flatMap((set) => [...set]);
      await Promise.all(sockets.map(closeSocket));
      byVisitor.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Closes with 1001 "going away" so the widget reconnects, and cuts the socket if the peer does not answer. */
function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1001, 'server shutting down');
  });
}
