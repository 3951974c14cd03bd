import type { ClientApp, Environment } from '../../core/domain.ts';
import type { ReadDeps } from './deps.ts';

/** An app credential's owner: the app and its environment (null when the environment is gone). */
export interface AppOwner {
  app: ClientApp;
  env: Environment | null;
}

/**
 * Looks up apps with their environments, each at most once per lookup object: a lifecycle phase walks many
 * credentials of the same apps. Null when the app is gone.
 */
export function appOwners(deps: ReadDeps): (appId: string) => Promise<AppOwner | null> {
  const cache = new Map<string, Promise<AppOwner | null>>();
  return (appId) => {
    let owner = cache.get(appId);
    if (!owner) {
      owner = (async () => {
        const app = await deps.store.apps.get(appId);
        return app ? { app, env: await deps.store.environments.get(app.environmentId) } : null;
      })();
      cache.set(appId, owner);
    }
    return owner;
  };
}
