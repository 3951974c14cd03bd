import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now (bind one, note it, close it): the address of a service that is down,
 * or a port to bind a child process to.
 */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
