import { fetch, type Dispatcher } from 'undici';

/**
 * GET a small JSON document from an IdP (discovery, JWKS) with a hard timeout and size cap, so a hanging or
 * hostile IdP can neither stall the gateway nor fill its memory. Throws `IdpFetchError` on any failure.
 */
export interface JsonGetOptions {
  timeoutMs: number;
  /** undici dispatcher, e.g. an Agent trusting the emulator's CA. */
  dispatcher?: Dispatcher;
  maxBytes?: number;
}

export type JsonGet = (url: string, options: JsonGetOptions) => Promise<unknown>;

export class IdpFetchError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'status' | 'not_json' | 'too_large',
    message: string,
  ) {
    super(message);
    this.name = 'IdpFetchError';
  }
}

const DEFAULT_MAX_BYTES = 512 * 1024;

export const getJson: JsonGet = async (url, options) => {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let text: string;
  try {
    const response = await fetch(url, {
      signal,
      headers: { accept: 'application/json' },
      redirect: 'error',
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new IdpFetchError('status', `${url} answered HTTP ${response.status}`);
    }
    text = await readCapped(response.body, options.maxBytes ?? DEFAULT_MAX_BYTES, url);
  } catch (error) {
    if (error instanceof IdpFetchError) throw error;
    if (signal.aborted) throw new IdpFetchError('timeout', `${url} did not answer within ${options.timeoutMs} ms`);
    throw new IdpFetchError('network', `${url} unreachable: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IdpFetchError('not_json', `${url} did not return JSON`);
  }
};

async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number, url: string): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await body.cancel().catch(() => {});
      throw new IdpFetchError('too_large', `${url} returned more than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
