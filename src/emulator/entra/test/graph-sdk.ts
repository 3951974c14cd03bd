import { Agent, fetch as undiciFetch } from 'undici';
import { AuthenticationHandler, Client, RetryHandler, RetryHandlerOptions, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { EntraEmulator } from '../index.ts';

/**
 * The official Graph SDK pointed at the emulator: baseUrl + customHosts, and a last middleware that sends through an
 * undici Agent trusting the emulator's CA (the SDK's own handler uses the global fetch, which cannot take a CA).
 */
export function graphSdk(emu: EntraEmulator, getToken: () => Promise<string>): Client {
  const dispatcher = new Agent({ connect: { ca: emu.caCertPem } });
  const send: Middleware = {
    async execute(context: Context) {
      const request = context.request;
      const url = typeof request === 'string' ? request : request.url;
      context.response = (await undiciFetch(url, { ...(context.options as object), dispatcher } as never)) as unknown as Response;
    },
    setNext() {},
  };
  const auth = new AuthenticationHandler({ getAccessToken: getToken });
  const retry = new RetryHandler(new RetryHandlerOptions(0, 0));
  auth.setNext(retry);
  retry.setNext(send);
  return Client.initWithMiddleware({ middleware: auth, baseUrl: `${emu.url}/`, defaultVersion: 'v1.0', customHosts: new Set([new URL(emu.url).hostname]) });
}
