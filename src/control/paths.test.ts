import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basePathFormatProblem, basePathsOverlap, upstreamUrlProblem } from './paths.ts';

test('base paths overlap when equal or nested at a segment boundary, not when one merely prefixes the other', () => {
  assert.equal(basePathsOverlap('/a', '/a'), true);
  assert.equal(basePathsOverlap('/a', '/a/b'), true);
  assert.equal(basePathsOverlap('/a/b', '/a'), true);
  assert.equal(basePathsOverlap('/a', '/ab'), false);
  assert.equal(basePathsOverlap('/ab', '/a'), false);
  assert.equal(basePathsOverlap('/a/b', '/a/c'), false);
  assert.equal(basePathsOverlap('/orders/v1', '/orders/v10'), false);
});

test('base path format: leading slash, no trailing slash, safe characters, no dot segments, no reserved paths', () => {
  for (const ok of ['/a', '/orders/v1', '/a.b/c~d/e_f-g']) assert.equal(basePathFormatProblem(ok), null, ok);
  for (const bad of ['', '/', 'a', '/a/', '//a', '/a//b', '/a/./b', '/a/..', '/a b', '/a?b', '/a%2fb', '/healthz', '/readyz', '/metrics', '/metrics/x', '/__gatehouse', '/__gatehouse/ui']) {
    assert.notEqual(basePathFormatProblem(bad), null, bad);
  }
  assert.equal(basePathFormatProblem('/healthzz'), null, 'only the reserved path itself and what is under it');
});

test('upstream URLs must be plain http(s)', () => {
  for (const ok of ['http://127.0.0.1:8080', 'https://orders.internal/api/v1']) assert.equal(upstreamUrlProblem(ok), null, ok);
  for (const bad of ['ftp://x', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,x', 'relative/path', 'https://u:p@x', 'http://x/?q=1', 'http://x/#f']) {
    assert.notEqual(upstreamUrlProblem(bad), null, bad);
  }
});
