/** Starting a test server the way our fakes and harnesses do: an ephemeral port on the loopback interface only. */
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';

/** Listens on 127.0.0.1 at a port the OS picks (so parallel runs never collide) and resolves with that port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}
