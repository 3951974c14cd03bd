import type { Clock } from '../core/clock.ts';
import type { Store } from '../core/ports/store.ts';
import { LifecycleService } from '../control/lifecycle/index.ts';
import type { Logger } from '../platform/logger.ts';
import { openLifecycleStore } from '../store/lifecycle/index.ts';

/** How routes reach the credential lifecycle service: resolved on first use, so an API that never rotates opens nothing. */
export type LifecycleSource = () => Promise<LifecycleService>;

/**
 * The service `serve` passed in (the one `startLifecycle` built, with the IdP secret backends and the scheduler
 * running beside it); when none was passed, one built from the store on first use. That fallback rotates
 * local-provider apps only (IdP-backed apps answer 409 "not available in this build") and runs no scheduler:
 * retiring credentials are then removed by finish-rotation, not by the sweeper.
 */
export function lifecycleSource(deps: { lifecycle?: LifecycleService; store: Store; clock: Clock; logger: Logger }): LifecycleSource {
  if (deps.lifecycle) {
    const given = Promise.resolve(deps.lifecycle);
    return () => given;
  }
  let built: Promise<LifecycleService> | null = null;
  return () => {
    built ??= openLifecycleStore(deps.store).then(
      (lifecycleStore) => new LifecycleService({ store: deps.store, clock: deps.clock, lifecycleStore, logger: deps.logger }),
      (error: unknown) => {
        built = null; // let the next request try again (the store may have been briefly unavailable)
        throw error;
      },
    );
    return built;
  };
}
