/**
 * What can go wrong in a CLI run, and the exit code each failure maps to. Scripts rely on these codes:
 * 0 ok · 1 the API (or the check the command performs) said no · 2 bad usage · 3 the server could not be reached.
 * Every failure is printed as one line `error: <detail> (<code>)`, optionally followed by a hint; never a stack trace.
 */
import { isGatehouseError } from '../core/errors.ts';

export const EXIT = { ok: 0, api: 1, usage: 2, unreachable: 3 } as const;

export class CliError extends Error {
  constructor(
    readonly code: string,
    detail: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(detail);
    this.name = 'CliError';
  }
}

/** The management API answered with an error (problem+json or otherwise). */
export class ApiError extends CliError {
  constructor(
    code: string,
    detail: string,
    readonly status: number,
    readonly fieldErrors: { path: string; message: string }[] = [],
    hint?: string,
  ) {
    super(code, detail, EXIT.api, hint);
    this.name = 'ApiError';
  }
}

export const usageError = (detail: string, hint?: string) => new CliError('USAGE', detail, EXIT.usage, hint);

export const unreachable = (url: string, reason: string) =>
  new CliError(
    'UNREACHABLE',
    `cannot reach the management API at ${url}: ${reason}`,
    EXIT.unreachable,
    'is it running? Start it with `gatehouse serve`, or point --url / GATEHOUSE_URL at it',
  );

/** Renders any thrown value as the lines the user sees on stderr, and picks the exit code. */
export function describeFailure(error: unknown): { lines: string[]; exitCode: number } {
  if (error instanceof CliError) {
    const lines = [`error: ${error.message} (${error.code})`];
    if (error instanceof ApiError) {
      // Field errors the detail does not already spell out, one per line.
      for (const f of error.fieldErrors) {
        const line = `${f.path || '(body)'}: ${f.message}`;
        if (!error.message.includes(line)) lines.push(`  ${line}`);
      }
    }
    if (error.hint) lines.push(`hint: ${error.hint}`);
    return { lines, exitCode: error.exitCode };
  }
  // Raised in-process by `serve`/`gateway` (store, config): same shape as an API error.
  if (isGatehouseError(error)) {
    const lines = [`error: ${error.message} (${error.code})`];
    if (error.code === 'STORE_UNAVAILABLE') lines.push('hint: is the database running and reachable? Check GATEHOUSE_DATABASE_URL');
    return { lines, exitCode: EXIT.api };
  }
  const sys = error as { code?: unknown; address?: unknown; port?: unknown };
  if (sys?.code === 'EADDRINUSE') {
    return {
      lines: [`error: address ${String(sys.address ?? '')}:${String(sys.port ?? '')} is already in use (EADDRINUSE)`, 'hint: pick another port (--api-port / --gateway-port) or stop the other process'],
      exitCode: EXIT.api,
    };
  }
  // A bug in the CLI itself: still one line, no stack (GATEHOUSE_DEBUG=1 shows it, see main.ts).
  const message = error instanceof Error ? error.message : String(error);
  return { lines: [`error: ${message} (INTERNAL)`], exitCode: EXIT.api };
}
