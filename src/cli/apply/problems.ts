import { CliError, EXIT } from '../errors.ts';
import type { Problem } from './schema.ts';

/**
 * Everything wrong with a file, found before anything is written: each problem is one line
 * `<source>: <path>: <message>` (paths as the API gives them, e.g. `apis.0.policies.1.config.requests`), then the
 * usual one-line `error: … (<code>)`. Exit 2 when the file itself is invalid; 1 when it is valid but cannot be
 * applied to this Gatehouse (a name that resolves to nothing, a field the API cannot change).
 */
export class ProblemsError extends CliError {
  constructor(
    readonly source: string,
    readonly problems: (Problem & { code?: string })[],
    code: string,
    exitCode: number,
    hint?: string,
  ) {
    const what = exitCode === EXIT.usage ? 'is not valid' : 'cannot be applied';
    super(code, `${source} ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was changed`, exitCode, hint);
    this.name = 'ProblemsError';
  }

  lines(): string {
    return this.problems.map((p) => `${this.source}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`).join('');
  }
}

export const invalidFile = (source: string, problems: Problem[]) => new ProblemsError(source, problems, 'USAGE', EXIT.usage);

/** A single code when every problem shares it, so scripts can branch on it; else the general APPLY_REFUSED. */
export function refused(source: string, problems: (Problem & { code: string })[]): ProblemsError {
  const codes = new Set(problems.map((p) => p.code));
  const code = codes.size === 1 ? [...codes][0]! : 'APPLY_REFUSED';
  return new ProblemsError(source, problems, code, EXIT.api);
}
