import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseError } from '../core/errors.ts';
import { ApiError, describeFailure, EXIT, unreachable, usageError } from './errors.ts';

test('each failure maps to its exit code and one `error: <detail> (<code>)` line', () => {
  assert.deepEqual(describeFailure(usageError('bad flag')), { lines: ['error: bad flag (USAGE)'], exitCode: EXIT.usage });
  assert.deepEqual(describeFailure(new ApiError('NOT_FOUND', 'No app.', 404)), { lines: ['error: No app. (NOT_FOUND)'], exitCode: EXIT.api });
  const down = describeFailure(unreachable('http://127.0.0.1:8080', 'connection refused'));
  assert.equal(down.exitCode, EXIT.unreachable);
  assert.match(down.lines[1]!, /gatehouse serve/);
  const store = describeFailure(new GatehouseError('STORE_UNAVAILABLE', 'Store down.'));
  assert.deepEqual(store, { lines: ['error: Store down. (STORE_UNAVAILABLE)', 'hint: is the database running and reachable? Check GATEHOUSE_DATABASE_URL'], exitCode: EXIT.api });
});

test('an unexpected error is still one line without a stack', () => {
  const { lines, exitCode } = describeFailure(new TypeError('x is not a function'));
  assert.deepEqual(lines, ['error: x is not a function (INTERNAL)']);
  assert.equal(exitCode, EXIT.api);
  assert.deepEqual(describeFailure('plain').lines, ['error: plain (INTERNAL)']);
});
