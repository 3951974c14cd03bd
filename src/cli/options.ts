import { Option, type Command } from 'commander';
import type { CliContext } from './context.ts';
import type { Page, Query } from './client.ts';
import { usageError } from './errors.ts';

/** Shared option parsers and the paging options every `list` command has. */

export function positiveInt(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? 'a whole number of at least 1' : `a whole number between 1 and ${max}`;
      throw usageError(`${what} must be ${range}, got "${value}"`);
    }
    return n;
  };
}

/** For repeatable options: `--policy a --policy b` → ['a', 'b']. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

export function jsonObjectArg(text: string, what: string): Record<string, unknown> {
  const value = parseJsonArg(text, what);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Policies on the command line: `--policy client-id`, `--policy 'rate-limit:{"requests":10,"windowSeconds":60}'`
 * (repeatable, in chain order), or the whole chain at once with `--policies-json '[{"type":…,"config":{…}}]'`.
 */
export function parsePolicies(specs: string[] | undefined, json: string | undefined): { type: string; config: Record<string, unknown> }[] | undefined {
  if (specs?.length && json !== undefined) throw usageError('use either --policy or --policies-json, not both');
  if (json !== undefined) {
    const value = parseJsonArg(json, '--policies-json');
    if (!Array.isArray(value)) throw usageError('--policies-json must be a JSON array of {type, config}');
    return value as { type: string; config: Record<string, unknown> }[];
  }
  if (!specs?.length) return undefined;
  return specs.map((spec) => {
    const colon = spec.indexOf(':');
    const type = (colon === -1 ? spec : spec.slice(0, colon)).trim();
    if (!/^[a-z][a-z0-9-]*$/.test(type)) throw usageError(`--policy "${spec}": the type must look like "client-id" or "rate-limit"`);
    const config = colon === -1 ? {} : jsonObjectArg(spec.slice(colon + 1), `--policy ${type} config`);
    return { type, config };
  });
}

export function addPaging(cmd: Command): Command {
  return cmd
    .addOption(new Option('--limit <n>', 'items per page (1-500)').argParser(positiveInt('--limit', 500)))
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'fetch every page');
}

export interface PagingOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

export async function fetchList<T>(ctx: CliContext, cmd: Command, path: string, query: Query, paging: PagingOptions): Promise<Page<T>> {
  const client = ctx.client(cmd);
  if (paging.all) return client.all<T>(path, query);
  return client.get<Page<T>>(path, { ...query, limit: paging.limit, cursor: paging.cursor });
}

/** Path segments come from the user; encode them so an id can never change the route. */
export const seg = (value: string) => encodeURIComponent(value);

/** A TCP port; 0 lets the OS choose a free one. */
export function portNumber(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n > 65535) throw usageError(`${what} must be a port number 0-65535, got "${value}"`);
    return n;
  };
}

/** An option's value, else an environment variable's, parsed the same way. */
export function fromEnv<T>(value: T | undefined, envValue: string | undefined, parse: (v: string) => T, fallback: T): T {
  if (value !== undefined) return value;
  if (envValue !== undefined && envValue !== '') return parse(envValue);
  return fallback;
}
