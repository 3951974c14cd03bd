import { createServer } from 'node:net';

/** A loopback port nothing listens on (bind one, note it, close it): for "the service is down" tests. */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
