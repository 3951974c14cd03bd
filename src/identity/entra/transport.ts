import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, fetch, type Dispatcher } from 'undici';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * One undici Agent per provider, shared by MSAL and the Graph client. An extra CA (the emulator's, or a corporate
 * TLS-inspecting proxy's) is added to Node's public roots rather than replacing them, so real Entra keeps working.
 */
export function createDispatcher(caCertPem?: string): Dispatcher {
  // One secure context for every connection: building it parses ~150 root certificates, which otherwise happens
  // per connection and dominated CPU in the onboarding benchmark.
  const secureContext = caCertPem ? createSecureContext({ ca: [...rootCertificates, caCertPem] }) : undefined;
  return new Agent({
    connect: secureContext ? { secureContext } : {},
    keepAliveTimeout: 30_000,
    connections: 64,
  });
}

/** MSAL's network hook, on undici with our dispatcher (msal-node's default https module cannot take our CA). */
export function msalNetworkModule(dispatcher: Dispatcher, timeoutMs = 15_000): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    const res = await fetch(url, {
      method,
      headers: options?.headers ?? {},
      body: method === 'POST' ? options?.body ?? '' : undefined,
      dispatcher,
      signal: AbortSignal.timeout(timeout ?? timeoutMs),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: 'invalid_response', error_description: `Non-JSON answer (HTTP ${res.status}) from ${new URL(url).host}` };
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
