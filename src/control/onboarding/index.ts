import type { JobHandler } from '../jobs/types.ts';
import type { OnboardingDeps } from './deps.ts';
import { onboardHandler } from './onboard.ts';
import { offboardHandler, purgeHandler } from './offboard.ts';
import { resourceAppHandler } from './resource-app.ts';
import { appRoleHandler } from './app-role.ts';

/** Every IdP job handler, for `createJobRunner({ handlers: [...onboardingHandlers(deps)] })`. */
export function onboardingHandlers(deps: OnboardingDeps): JobHandler[] {
  return [onboardHandler(deps), offboardHandler(deps), purgeHandler(deps), resourceAppHandler(deps), appRoleHandler(deps)];
}

export type { OnboardingDeps } from './deps.ts';
export { ONBOARD_JOB, type OnboardResult } from './onboard.ts';
export { OFFBOARD_JOB, PURGE_JOB } from './offboard.ts';
export { RESOURCE_APP_JOB } from './resource-app.ts';
export { APP_ROLE_JOB, appRoleJobKey, type AppRolePayload } from './app-role.ts';
export { requestOnboarding, requestOffboarding, requestResourceAppSetup, requestAppRoleSync } from './requests.ts';
export { claimOnboardingSecret, awaitOnboardingSecret, type ClaimOutcome, type DeliveredSecret } from './delivery.ts';
export { readResourceApp, uniqueNameForApp, uniqueNameForResourceApp, roleIdForApi, roleValueForApi } from './names.ts';
