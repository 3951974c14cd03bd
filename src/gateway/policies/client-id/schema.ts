import { z } from 'zod';

/**
 * `client-id` policy config. Where the caller's client id and secret are read from:
 * - `basic`: `Authorization: Basic base64(client_id:client_secret)` (RFC 6749 §2.3.1 form);
 * - `headers`: `client_id` and `client_secret` request headers (the Anypoint convention);
 * - `either` (default): Basic when an `Authorization: Basic` header is present, else the headers.
 */
export const clientIdConfigSchema = z.object({
  credentialsFrom: z.enum(['basic', 'headers', 'either']).default('either'),
}).strict();

export type ClientIdConfig = z.infer<typeof clientIdConfigSchema>;
