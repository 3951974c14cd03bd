import type { RequestContext } from './context.ts';
import type { PolicyHandler, PolicyResult } from './policy.ts';

/**
 * Runs the steps in order until one denies. Stays synchronous while the steps are, and switches to a Promise
 * only from the first step that returns one.
 */
export function runSteps(steps: readonly PolicyHandler[], ctx: RequestContext, from = 0): PolicyResult | Promise<PolicyResult> {
  for (let i = from; i < steps.length; i++) {
    const result = steps[i]!(ctx);
    if (result === undefined) continue;
    if (result instanceof Promise) {
      const next = i + 1;
      return result.then((r) => (r === undefined ? runSteps(steps, ctx, next) : r));
    }
    return result;
  }
  return undefined;
}
