import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  bodyBytes: number;
}

export interface TestUpstream {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A real upstream on 127.0.0.1:0. The default handler reads the body, then answers 200 JSON describing what it
 * received; pass a handler to do something else (stall, stream a large body, send hop-by-hop headers…).
 */
export async function startUpstream(handler?: (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const entry: SeenRequest = { method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, bodyBytes: 0 };
    seen.push(entry);
    if (handler) return handler(req, res, entry);
    req.on('data', (c: Buffer) => { entry.bodyBytes += c.length; });
    req.on('end', () => {
      const body = JSON.stringify({ method: entry.method, url: entry.url, headers: entry.headers, bodyBytes: entry.bodyBytes });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
