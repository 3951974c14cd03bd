import type { Hook } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { GatehouseError } from '../core/errors.ts';
import { fieldErrors, type FieldError } from '../control/field-errors.ts';
import type { AppEnv } from './env.ts';


/** Marks a zod issue as "not an id of the right kind", so the failure answers 400 BAD_ID rather than VALIDATION_FAILED. */
export const BAD_ID_PARAMS = { code: 'BAD_ID' } as const;

/**
 * The hook every route's zod validation reports to: failures become GatehouseErrors, thrown to the error handler.
 * Path parameters and id-only failures → BAD_ID; anything else → VALIDATION_FAILED with every field problem listed.
 */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (result.success) return undefined;
  throw toValidationError(result.target, result.error);
};

export function toValidationError(target: string, error: ZodError): GatehouseError {
  const errors = uniqueErrors(fieldErrors(error.issues));
  const onlyIds = error.issues.every((i) => i.code === 'custom' && (i.params as { code?: string } | undefined)?.code === BAD_ID_PARAMS.code);
  const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  if (target === 'param' || onlyIds) return new GatehouseError('BAD_ID', summary, { errors });
  return new GatehouseError('VALIDATION_FAILED', `The request is invalid: ${summary}`, { errors });
}

/** One entry per field: the first problem is enough to act on (an empty name also fails the whitespace rule). */
function uniqueErrors(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.path) && seen.add(e.path));
}
