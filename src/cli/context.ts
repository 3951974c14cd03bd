import type { Command } from 'commander';
import { ManagementClient, type Page } from './client.ts';
import { renderRecord, renderTable, type Column } from './table.ts';

/**
 * What every command gets: where to write, the environment, and — built from the global options — the API client
 * and the output mode. Injected so tests can run the whole program in-process and read what it printed.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  now(): number;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  now: () => Date.now(),
};

export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

export class CliContext {
  constructor(readonly io: Io) {}

  globals(cmd: Command): GlobalOptions {
    return cmd.optsWithGlobals<GlobalOptions>();
  }

  client(cmd: Command): ManagementClient {
    const g = this.globals(cmd);
    return new ManagementClient({ url: g.url ?? this.io.env.GATEHOUSE_URL, token: g.token ?? this.io.env.GATEHOUSE_TOKEN });
  }

  json(cmd: Command): boolean {
    return Boolean(this.globals(cmd).json);
  }

  /** A list: JSON page as the API returned it, or a table plus a hint when there are more pages. */
  list<T>(cmd: Command, page: Page<T>, columns: Column<T>[]): void {
    if (this.json(cmd)) return this.io.out(JSON.stringify(page, null, 2) + '\n');
    this.io.out(renderTable(page.items, columns));
    if (page.nextCursor) this.io.err(`more results: repeat with --cursor ${page.nextCursor} (or --all)\n`);
  }

  /** One resource: raw JSON, or aligned `key: value` lines. */
  record(cmd: Command, resource: unknown, title?: string): void {
    if (this.json(cmd)) return this.io.out(JSON.stringify(resource, null, 2) + '\n');
    if (title) this.io.out(title + '\n');
    this.io.out(renderRecord((resource ?? {}) as Record<string, unknown>));
  }

  /** A change: raw JSON of the result, or one sentence saying what happened. */
  done(cmd: Command, resource: unknown, message: string): void {
    if (this.json(cmd)) return this.io.out(JSON.stringify(resource, null, 2) + '\n');
    this.io.out(message + '\n');
  }

  /** Notes for humans go to stderr, so `--json` stdout stays parseable. */
  note(text: string): void {
    this.io.err(text + '\n');
  }
}
