import type { core } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

/**
 * zod issues → `{path, message}` pairs with dotted paths under `prefix`. An unknown key is reported at its own
 * path (`limit.burst: unknown field`) rather than at its parent, so a client can point at the offending field.
 */
export function fieldErrors(issues: readonly core.$ZodIssue[], prefix: (string | number)[] = []): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: [...path, key].join('.'), message: 'unknown field' });
    } else {
      errors.push({ path: path.join('.') || '(body)', message: issue.message });
    }
  }
  return errors;
}
