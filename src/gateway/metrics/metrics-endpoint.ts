import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayMetrics } from './gateway-metrics.ts';

export const METRICS_PATH = '/metrics';

/**
 * Serves GET /metrics (Prometheus text format). Returns false when the request is not for it, so the server can
 * try its routes. The path is reserved on the gateway: no API may use `/metrics` as its base path.
 */
export function serveMetrics(metrics: GatewayMetrics, req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  if (url !== METRICS_PATH && !url.startsWith(`${METRICS_PATH}?`)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return true;
  }
  metrics.render().then(
    ({ contentType, body }) => {
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)) });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    () => res.writeHead(500).end(),
  );
  return true;
}
