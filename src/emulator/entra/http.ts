import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/** A request as the emulator's handlers see it: the body is read up front (all bodies here are small). */
export interface EmulatorRequest {
  method: string;
  url: URL;
  /** Percent-decoded path, without the query. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  socket: Socket;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
}

export function noContent(headers: Record<string, string> = {}): EmulatorResponse {
  return { status: 204, headers };
}

export function parseJsonBody(req: EmulatorRequest): unknown {
  if (req.rawBody.trim() === '') return undefined;
  return JSON.parse(req.rawBody);
}

export function header(req: EmulatorRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
