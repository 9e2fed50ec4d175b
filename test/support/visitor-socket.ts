/**
 * The web widget's live connection in end-to-end tests: a real WebSocket to `/web/socket` of the service
 * under test, collecting what the server pushes, so a test sees exactly what reached the customer's screen.
 */
import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { WebPush } from '../../adapters/web/types.js';

/** An open widget socket of one visitor. */
export interface VisitorSocket {
  /** Every push received so far, oldest first. */
  pushes: WebPush[];
  close(): Promise<void>;
}

/** Opens the visitor's socket on `serviceUrl` and resolves once it is open. */
export async function openVisitorSocket(serviceUrl: string, visitorId: string): Promise<VisitorSocket> {
  const ws = new WebSocket(`${serviceUrl.replace(/^http/, 'ws')}/web/socket?visitorId=${encodeURIComponent(visitorId)}`);
  const pushes: WebPush[] = [];
  ws.on('message', (data) => pushes.push(JSON.parse(String(data)) as WebPush));
  await once(ws, 'open');
  return {
    pushes,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await once(ws, 'close');
    },
  };
}
