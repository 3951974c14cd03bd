import assert from 'node:assert/strict';
import { GatehouseError, type ErrorCode } from '../../core/errors.ts';

/** Awaits `promise`, expecting a GatehouseError with `code` (and `extras` fields when given). */
export async function assertCode(promise: Promise<unknown>, code: ErrorCode, extras?: Record<string, unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatehouseError, `expected GatehouseError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (extras) for (const [k, v] of Object.entries(extras)) assert.deepEqual(error.extras[k], v, `extras.${k}`);
    return error;
  }
  assert.fail(`expected GatehouseError ${code}, but it resolved`);
}
